//! The checks of host assessment, documented where they are declared (English and Japanese).

use yagura_core::{declare_check, CheckMeta};

declare_check! {
    pub static PACKAGE_VULNERABLE = "host-package-vulnerable" {
        severity: High,
        service: "host",
        spec: ["HOST-02", "HOST-08"],
        compliance: {},
        needs: ["/etc/os-release", "/var/lib/dpkg/status", "/var/lib/rpm", "/lib/apk/db/installed", "vulndb.sqlite"],
        title: ("Installed package has a known vulnerability with a fix",
            "インストール済みパッケージに修正版のある既知の脆弱性"),
        what: ("Matches installed OS packages against the imported vulnerability database, per distribution release, with the distribution's version ordering; backported fixes count as fixed.",
            "インポートした脆弱性データベースとインストール済み OS パッケージを、ディストリビューションのリリースごとにそのバージョン順序で照合します。バックポートされた修正は修正済みとみなします。"),
        why: ("A published fix exists: the host runs code with a known, documented weakness that attackers scan for.",
            "修正版が公開されています。ホストでは既知の、文書化された弱点を持つコードが動いており、攻撃者はそれを探索しています。"),
        fix: ("Upgrade the package to the fixed version (apt-get install --only-upgrade PKG, dnf upgrade PKG, apk upgrade PKG).",
            "パッケージを修正版へ更新してください（`apt-get install --only-upgrade PKG`、`dnf upgrade PKG`、`apk upgrade PKG`）。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_cves.html"],
    }
}

declare_check! {
    pub static PACKAGE_VULNERABLE_NO_FIX = "host-package-vulnerable-no-fix" {
        severity: Medium,
        service: "host",
        spec: ["HOST-02", "HOST-08"],
        compliance: {},
        needs: ["/etc/os-release", "/var/lib/dpkg/status", "/var/lib/rpm", "/lib/apk/db/installed", "vulndb.sqlite"],
        title: ("Installed package has a known vulnerability without a fix",
            "インストール済みパッケージに修正版のない既知の脆弱性"),
        what: ("Reports vulnerabilities the distribution has not fixed yet (unfixed) or decided not to fix (won't fix) in this release.",
            "このリリースでディストリビューションが未修正、または修正しないと決めた脆弱性を報告します。"),
        why: ("No update removes the weakness; the risk must be accepted or mitigated (remove the package, restrict exposure).",
            "更新では解消できないため、リスクの受容か緩和（パッケージの削除、公開範囲の制限）が必要です。"),
        fix: ("Remove the package if unused, or mitigate and record the accepted risk; watch the distribution's tracker for a fix.",
            "不要ならパッケージを削除し、必要なら緩和策をとりリスク受容を記録してください。修正版の公開を監視してください。"),
        references: ["https://security-tracker.debian.org/tracker/"],
    }
}
declare_check! {
    pub static SECURITY_UPDATE_PENDING = "host-security-update-pending" {
        severity: High,
        service: "host",
        spec: ["HOST-02", "HOST-08"],
        compliance: {"cis-linux": ["1.9"]},
        needs: ["/etc/os-release", "/var/lib/dpkg/status", "/var/lib/rpm", "/lib/apk/db/installed", "/var/lib/apt/lists", "/var/cache/dnf", "/var/cache/yum"],
        title: ("Security update available but not installed",
            "セキュリティ更新が未適用"),
        what: ("Compares the installed packages with the host's own package-manager metadata: apt's lists of the *-security suites and the updateinfo dnf and yum keep in their caches. Works with no vulnerability database; each finding names the file it came from, and with a database the evidence says whether the database agrees.",
            "インストール済みパッケージを、ホスト自身のパッケージマネージャーのメタデータ（apt の `*-security` スイートのリスト、dnf と yum がキャッシュに保持する `updateinfo`）と比較します。脆弱性データベースなしで動作し、各結果は元のファイルを示します。データベースがある場合は一致するかを証拠に記載します。"),
        why: ("The distribution has published a security fix the host has not installed: the fix is one command away, and attackers read the same advisories.",
            "ディストリビューションが公開したセキュリティ修正が未適用です。修正はコマンド一つで適用でき、攻撃者も同じ勧告を読んでいます。"),
        fix: ("Install the security updates (apt-get update && apt-get upgrade, dnf upgrade --security, yum update --security) and restart the services that use them.",
            "セキュリティ更新を適用し（`apt-get update && apt-get upgrade`、`dnf upgrade --security`、`yum update --security`）、更新したパッケージを利用しているサービスを再起動してください。"),
        references: ["https://wiki.debian.org/UnattendedUpgrades", "https://docs.aws.amazon.com/linux/al2023/ug/managing-repos-os-updates.html"],
    }
}
declare_check! {
    pub static KERNEL_REBOOT_PENDING = "host-kernel-reboot-pending" {
        severity: High,
        service: "host",
        spec: ["HOST-02", "HOST-08"],
        compliance: {},
        needs: ["/var/lib/dpkg/status", "/var/lib/rpm", "/lib/apk/db/installed", "/proc/sys/kernel/osrelease"],
        title: ("A newer kernel is installed than the one running",
            "実行中より新しいカーネルがインストール済み（再起動待ち）"),
        what: ("Compares the running kernel (uname -r) with the installed kernel packages; vulnerabilities are matched against the running kernel, not the newest installed one.",
            "実行中のカーネル（`uname -r`）とインストール済みのカーネルパッケージを比較します。脆弱性は最新のインストール済みカーネルではなく実行中のカーネルと照合します。"),
        why: ("An updated kernel protects nothing until the host boots it: the running kernel keeps every vulnerability the update fixed.",
            "更新したカーネルは再起動するまで効果がなく、実行中のカーネルには修正済みの脆弱性が残ります。"),
        fix: ("Reboot the host into the newest kernel in a maintenance window (or use live patching, e.g. kpatch / Kernel Live Patching on Amazon Linux).",
            "メンテナンス時間帯に再起動して最新のカーネルで起動してください（またはライブパッチ、例: `kpatch` や Amazon Linux の Kernel Live Patching を使ってください）。"),
        references: ["https://docs.aws.amazon.com/linux/al2023/ug/live-patching.html"],
    }
}

declare_check! {
    pub static PACKAGES_UNREADABLE = "host-package-database-unreadable" {
        severity: Medium,
        service: "host",
        spec: ["HOST-01"],
        compliance: {},
        needs: ["/etc/os-release", "/var/lib/dpkg/status", "/var/lib/rpm", "/lib/apk/db/installed", "vulndb.sqlite"],
        title: ("Package database could not be read",
            "パッケージデータベースを読み取れません"),
        what: ("Reports package databases (dpkg, rpm, apk) or entries that could not be read, and hosts where no vulnerability data covers the release.",
            "読み取れなかったパッケージデータベース（dpkg、rpm、apk）やエントリ、脆弱性データのないリリースを報告します。"),
        why: ("Packages that cannot be read cannot be checked for vulnerabilities: the result would be silently incomplete.",
            "読めないパッケージは脆弱性を確認できず、結果が不完全になります。"),
        fix: ("Repair the package database (dpkg --audit, rpm --rebuilddb) or import vulnerability data for the release (yagura db import).",
            "パッケージデータベースを修復する（`dpkg --audit`、`rpm --rebuilddb`）か、そのリリースの脆弱性データをインポートしてください（`yagura db import`）。"),
        references: ["https://manpages.debian.org/bookworm/dpkg/dpkg.1.en.html"],
    }
}

declare_check! {
    pub static OS_END_OF_LIFE = "host-os-end-of-life" {
        severity: High,
        service: "host",
        spec: ["HOST-03"],
        compliance: {},
        needs: ["/etc/os-release"],
        title: ("Operating system release is past its end of life",
            "OS リリースがサポート終了済み"),
        what: ("Compares the OS release from os-release with a dated end-of-life table kept in yagura.",
            "os-release の OS リリースを yagura 内の日付付きサポート終了表と比較します。"),
        why: ("An end-of-life release gets no security updates: every new vulnerability stays open.",
            "サポート終了したリリースにはセキュリティ更新が提供されず、新しい脆弱性が残り続けます。"),
        fix: ("Upgrade to a supported release of the distribution (use the latest OS).",
            "サポート中のリリースへアップグレードしてください（最新の OS を使う）。"),
        references: ["https://endoflife.date/"],
    }
}

declare_check! {
    pub static SSH_ROOT_LOGIN = "ssh-root-login-permitted" {
        severity: Medium,
        service: "host",
        spec: ["HOST-04"],
        compliance: {
            "cis-linux": ["5.2.10"],
        },
        needs: ["/etc/ssh/sshd_config"],
        title: ("SSH permits root login",
            "SSH で root ログインが許可されている"),
        what: ("Reads the effective sshd configuration (Include and Match handled as sshd does) and checks PermitRootLogin.",
            "sshd の実効設定（`Include` と `Match` を sshd と同様に解釈）を読み、`PermitRootLogin` を確認します。"),
        why: ("Root login over SSH increases the likelihood of a successful brute-force attack and removes accountability.",
            "SSH での root ログインはブルートフォース攻撃の成功可能性を高め、操作者の追跡を困難にします。"),
        fix: ("Set `PermitRootLogin no` in /etc/ssh/sshd_config and restart sshd; log in as a user and use sudo.",
            "`/etc/ssh/sshd_config` で `PermitRootLogin no` を設定して sshd を再起動し、一般ユーザーでログインして `sudo` を使ってください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
    }
}

declare_check! {
    pub static SSH_PROTOCOL_1 = "ssh-protocol-1-allowed" {
        severity: Medium,
        service: "host",
        spec: ["HOST-04"],
        compliance: {},
        needs: ["/etc/ssh/sshd_config"],
        title: ("SSH protocol version 1 is allowed",
            "SSH プロトコル 1 が許可されている"),
        what: ("Checks the Protocol setting of the effective sshd configuration.",
            "sshd の実効設定の `Protocol` を確認します。"),
        why: ("SSH-1 has inherent design flaws that greatly reduce its security.",
            "SSH-1 には設計上の欠陥があり、安全性が大きく低下します。"),
        fix: ("Set `Protocol 2` in /etc/ssh/sshd_config (or upgrade OpenSSH, which supports only SSH-2).",
            "/etc/ssh/sshd_config で `Protocol 2` を設定してください（または SSH-2 のみ対応の OpenSSH へ更新）。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
    }
}

declare_check! {
    pub static SSH_PASSWORD_AUTH = "ssh-password-authentication-enabled" {
        severity: Medium,
        service: "host",
        spec: ["HOST-04"],
        compliance: {},
        needs: ["/etc/ssh/sshd_config"],
        title: ("SSH accepts password authentication",
            "SSH でパスワード認証が有効"),
        what: ("Checks PasswordAuthentication (and KbdInteractiveAuthentication) of the effective sshd configuration.",
            "sshd 実効設定の PasswordAuthentication（と KbdInteractiveAuthentication）を確認します。"),
        why: ("Password authentication is susceptible to brute-force attacks; keys are much stronger.",
            "パスワード認証はブルートフォース攻撃を受けやすく、鍵認証のほうがはるかに安全です。"),
        fix: ("Set `PasswordAuthentication no` in /etc/ssh/sshd_config, use key-based authentication, restart sshd.",
            "/etc/ssh/sshd_config で `PasswordAuthentication no` を設定し、鍵認証を使い、sshd を再起動してください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
    }
}

declare_check! {
    pub static PASSWORD_MIN_LENGTH = "password-min-length-too-short" {
        severity: Medium,
        service: "host",
        spec: ["HOST-04"],
        compliance: {
            "cis-linux": ["5.4.1"],
        },
        needs: ["/etc/pam.d", "/etc/security/pwquality.conf", "/etc/login.defs"],
        title: ("Password minimum length is not enforced",
            "パスワード最小長が強制されていない"),
        what: ("Reads minlen of pam_pwquality / pam_cracklib (and pwquality.conf) in the PAM password stack, and PASS_MIN_LEN of login.defs.",
            "PAM の `password` スタックにある `pam_pwquality` / `pam_cracklib` の `minlen`（と `pwquality.conf`）、`login.defs` の `PASS_MIN_LEN` を読みます。"),
        why: ("Short passwords are guessed quickly.",
            "短いパスワードは短時間で推測されます。"),
        fix: ("Set `minlen = 14` in /etc/security/pwquality.conf and use pam_pwquality in the PAM password stack.",
            "/etc/security/pwquality.conf で `minlen = 14` を設定し、PAM の `password` スタックで pam_pwquality を使ってください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
    }
}

declare_check! {
    pub static PASSWORD_COMPLEXITY = "password-complexity-not-required" {
        severity: Medium,
        service: "host",
        spec: ["HOST-04"],
        compliance: {
            "cis-linux": ["5.4.1"],
        },
        needs: ["/etc/pam.d", "/etc/security/pwquality.conf"],
        title: ("Password complexity is not required",
            "パスワードの複雑さが要求されていない"),
        what: ("Checks that pam_pwquality or pam_cracklib is in the PAM password stack with complexity options (minclass, dcredit, ucredit, lcredit, ocredit).",
            "PAM の `password` スタックに `pam_pwquality` か `pam_cracklib` があり、複雑さの設定（`minclass`、`dcredit`、`ucredit`、`lcredit`、`ocredit`）があるか確認します。"),
        why: ("Without a complexity mechanism users can set simple passwords.",
            "複雑さの要件がないと単純なパスワードを設定できてしまいます。"),
        fix: ("Install libpam-pwquality and set `minclass = 4` (or the credit options) in /etc/security/pwquality.conf.",
            "`libpam-pwquality` を導入し、`/etc/security/pwquality.conf` で `minclass = 4`（または `dcredit`・`ucredit`・`lcredit`・`ocredit` の設定）を設定してください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
    }
}

declare_check! {
    pub static PASSWORD_MAX_AGE = "password-max-age-too-long" {
        severity: Medium,
        service: "host",
        spec: ["HOST-04"],
        compliance: {
            "cis-linux": ["5.5.1.1"],
        },
        needs: ["/etc/login.defs"],
        title: ("Password maximum age is not configured",
            "パスワードの最長有効期間が設定されていない"),
        what: ("Reads PASS_MAX_DAYS of /etc/login.defs.",
            "/etc/login.defs の PASS_MAX_DAYS を読みます。"),
        why: ("Passwords that never expire give a guessed or leaked password unlimited use.",
            "期限のないパスワードは推測・漏洩した場合に無期限に使われます。"),
        fix: ("Set `PASS_MAX_DAYS 365` (or less) in /etc/login.defs and apply it to existing users with chage --maxdays.",
            "`/etc/login.defs` で `PASS_MAX_DAYS 365`（またはそれ以下）を設定し、既存のユーザーには `chage --maxdays` で適用してください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
    }
}

declare_check! {
    pub static ASLR_DISABLED = "aslr-disabled" {
        severity: Medium,
        service: "host",
        spec: ["HOST-04"],
        compliance: {
            "cis-linux": ["1.5.3"],
        },
        needs: ["/etc/sysctl.conf", "/etc/sysctl.d", "/proc/sys/kernel/randomize_va_space"],
        title: ("Address space layout randomization is not fully enabled",
            "ASLR が完全には有効でない"),
        what: ("Reads kernel.randomize_va_space from /etc/sysctl.conf and /etc/sysctl.d (and /proc on a live host).",
            "/etc/sysctl.conf と /etc/sysctl.d（稼働中のホストでは /proc も）から kernel.randomize_va_space を読みます。"),
        why: ("Without ASLR memory-corruption exploits know where code and data are.",
            "ASLR がないとメモリ破壊攻撃がコードやデータの位置を容易に知ることができます。"),
        fix: ("Set `kernel.randomize_va_space = 2` in /etc/sysctl.d/60-aslr.conf and run `sysctl --system`.",
            "/etc/sysctl.d/60-aslr.conf に `kernel.randomize_va_space = 2` を設定し `sysctl --system` を実行してください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
    }
}

declare_check! {
    pub static SYSTEM_DIR_WRITABLE = "system-directory-writable-by-non-root" {
        severity: High,
        service: "host",
        spec: ["HOST-04"],
        compliance: {},
        needs: ["/bin", "/sbin", "/usr/bin", "/usr/sbin", "/lib", "/etc"],
        title: ("System directory is writable by non-root users",
            "システムディレクトリが root 以外から書き込み可能"),
        what: ("Checks owner and mode of system directories holding binaries and configuration (/bin, /sbin, /usr/bin, /usr/sbin, /lib, /etc, …).",
            "バイナリや設定を置くシステムディレクトリ（/bin、/sbin、/usr/bin、/usr/sbin、/lib、/etc など）の所有者と権限を確認します。"),
        why: ("A directory writable by non-root users lets a local user replace system binaries: privilege escalation.",
            "root 以外が書き込めるとシステムバイナリを置き換えられ、権限昇格につながります。"),
        fix: ("Make the directory owned by root and not group- or world-writable: `chown root:root DIR && chmod go-w DIR`.",
            "ディレクトリを root 所有にし、グループとその他の書き込みを外してください: `chown root:root DIR && chmod go-w DIR`。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_security-best-practices.html"],
    }
}

declare_check! {
    pub static ELF_NOT_HARDENED = "executable-without-hardening" {
        severity: Low,
        service: "host",
        spec: ["HOST-05"],
        compliance: {},
        needs: ["/usr/bin", "/usr/sbin", "/bin", "/sbin", "/usr/local/bin", "/usr/local/sbin"],
        title: ("Executable lacks NX, stack canary, PIE or RELRO",
            "実行ファイルに NX、スタックカナリア、PIE、RELRO が欠けている"),
        what: ("Parses ELF executables and reports missing NX (executable stack), stack protector, PIE and RELRO.",
            "ELF 実行ファイルを解析し、NX（実行可能スタック）、スタック保護、PIE、RELRO の欠如を報告します。"),
        why: ("Without these mitigations memory-corruption bugs are far easier to exploit.",
            "これらの緩和策がないとメモリ破壊の不具合がはるかに悪用しやすくなります。"),
        fix: ("Rebuild with `-fstack-protector-strong -fPIE -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack`, or update the package.",
            "`-fstack-protector-strong -fPIE -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack` で再ビルドするか、パッケージを更新してください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
    }
}

declare_check! {
    pub static INSECURE_SERVER = "insecure-protocol-server-running" {
        severity: High,
        service: "host",
        spec: ["HOST-05"],
        compliance: {},
        needs: ["/var/lib/dpkg/status", "/var/lib/rpm", "/lib/apk/db/installed", "/proc/net/tcp", "/proc/PID"],
        title: ("Insecure protocol server is running or installed",
            "安全でないプロトコルのサーバーが稼働・導入されている"),
        what: ("Looks for telnet, FTP, rsh, rlogin, rexec, TFTP and similar cleartext servers by listening port, process name and installed package.",
            "Telnet、FTP、rsh、rlogin、rexec、TFTP などの平文プロトコルのサーバーを、待ち受けポート、プロセス名、導入パッケージで探します。"),
        why: ("These protocols send credentials and data in clear text.",
            "これらのプロトコルは認証情報とデータを平文で送ります。"),
        fix: ("Remove the server package and use SSH/SFTP instead.",
            "サーバーパッケージを削除し、SSH/SFTP を使ってください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
    }
}

declare_check! {
    pub static INSECURE_CLIENT = "insecure-protocol-client-installed" {
        severity: Low,
        service: "host",
        spec: ["HOST-05"],
        compliance: {},
        needs: ["/var/lib/dpkg/status", "/var/lib/rpm", "/lib/apk/db/installed", "/proc/PID"],
        title: ("Insecure protocol client is installed",
            "安全でないプロトコルのクライアントが導入されている"),
        what: ("Looks for telnet, FTP, rsh and rlogin client packages and running client processes.",
            "Telnet、FTP、rsh、rlogin のクライアントパッケージと実行中のクライアントプロセスを探します。"),
        why: ("Clients of cleartext protocols expose credentials when used.",
            "平文プロトコルのクライアントは利用時に認証情報を露出します。"),
        fix: ("Remove the client package and use ssh/sftp/scp instead.",
            "クライアントパッケージを削除し、ssh/sftp/scp を使ってください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
    }
}

declare_check! {
    pub static LISTENING_PORT = "host-listening-port" {
        severity: Info,
        service: "host",
        spec: ["HOST-05"],
        compliance: {},
        needs: ["/proc/net/tcp", "/proc/net/tcp6", "/proc/PID/fd"],
        title: ("TCP port listening",
            "待ち受け中の TCP ポート"),
        what: ("Lists listening TCP ports mapped to their processes through /proc/net/tcp and the processes' socket inodes.",
            "`/proc/net/tcp` と各プロセスのソケットの i ノード番号から、待ち受け中の TCP ポートとそのプロセスの対応を一覧します。"),
        why: ("Every listening port is attack surface; unknown ones deserve a look.",
            "待ち受けポートはすべて攻撃対象領域であり、把握していないものは確認が必要です。"),
        fix: ("Stop services that need not listen, or bind them to localhost.",
            "待ち受ける必要のないサービスを停止するか、`localhost` にのみバインドしてください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
    }
}

declare_check! {
    pub static ROOT_WRITABLE_MAP = "root-process-maps-writable-file" {
        severity: High,
        service: "host",
        spec: ["HOST-05"],
        compliance: {},
        needs: ["/proc/PID/status", "/proc/PID/maps"],
        title: ("Root process maps a file writable by non-root users",
            "root プロセスが root 以外から書き込み可能なファイルをマップしている"),
        what: ("Reads /proc/PID/maps of processes running as root and checks the mapped files' owner and mode.",
            "root で動くプロセスの /proc/PID/maps を読み、マップされたファイルの所有者と権限を確認します。"),
        why: ("A non-root user who can write a library loaded by root can run code as root.",
            "root が読み込むライブラリを一般ユーザーが書き換えられると、root としてコードを実行できます。"),
        fix: ("Make the file owned by root and not group- or world-writable, and restart the process.",
            "ファイルを root 所有にし、グループとその他の書き込みを外し、プロセスを再起動してください。"),
        references: ["https://docs.aws.amazon.com/inspector/v1/userguide/inspector_runtime-behavior-analysis.html"],
    }
}

declare_check! {
    pub static AWS_KEY_ON_DISK = "aws-access-key-on-disk" {
        severity: High,
        service: "host",
        spec: ["HOST-06"],
        compliance: {},
        needs: ["~/.aws/credentials", ".env"],
        title: ("Long-lived AWS access key stored on the host",
            "長期の AWS アクセスキーがホストに保存されている"),
        what: ("Looks for long-lived access key ids (AKIA…) where they are really left: the AWS credentials and config files of every user and root, .env and other environment files, shell histories, .s3cfg, passwd-s3fs, crontabs, systemd units and drop-ins, container and tool configurations and application configuration files. The walk is bounded (depth, size, count), never follows links out of the root and opens no special files; key ids are masked and secrets never read into a finding.",
            "長期アクセスキー ID（`AKIA…`）を、実際に残されがちな場所から探します: 全ユーザーと root の AWS 認証情報ファイル・設定ファイル、`.env` などの環境変数ファイル、シェル履歴、`.s3cfg`、`passwd-s3fs`、`crontab`、systemd のユニットとドロップイン、コンテナやツールの設定、アプリケーション設定ファイル。走査は深さ・サイズ・件数で制限し、ルート外へのリンクをたどらず、特殊ファイルは開きません。キー ID はマスクし、シークレットは結果に含めません。"),
        why: ("A key on disk leaks with the disk, a snapshot or a compromised process, and works from anywhere until revoked.",
            "ディスク上のキーはディスクやスナップショット、侵害されたプロセスから漏れ、失効までどこからでも使えます。"),
        fix: ("Delete the key (aws iam delete-access-key) and give the instance an IAM role (instance profile) instead.",
            "キーを削除し（`aws iam delete-access-key`）、代わりにインスタンスに IAM ロール（インスタンスプロファイル）を付与してください。"),
        references: ["https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html"],
    }
}

/// Every check of this crate.
pub static CHECKS: &[&CheckMeta] = &[
    &PACKAGE_VULNERABLE,
    &PACKAGE_VULNERABLE_NO_FIX,
    &SECURITY_UPDATE_PENDING,
    &KERNEL_REBOOT_PENDING,
    &PACKAGES_UNREADABLE,
    &OS_END_OF_LIFE,
    &SSH_ROOT_LOGIN,
    &SSH_PROTOCOL_1,
    &SSH_PASSWORD_AUTH,
    &PASSWORD_MIN_LENGTH,
    &PASSWORD_COMPLEXITY,
    &PASSWORD_MAX_AGE,
    &ASLR_DISABLED,
    &SYSTEM_DIR_WRITABLE,
    &ELF_NOT_HARDENED,
    &INSECURE_SERVER,
    &INSECURE_CLIENT,
    &LISTENING_PORT,
    &ROOT_WRITABLE_MAP,
    &AWS_KEY_ON_DISK,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalogue_is_well_formed() {
        let mut ids = std::collections::BTreeSet::new();
        for c in CHECKS {
            assert!(ids.insert(c.id), "duplicate id {}", c.id);
            assert!(!c.spec.is_empty(), "{} has no SPEC id", c.id);
            assert!(c.spec.iter().all(|s| s.starts_with("HOST-")), "{}", c.id);
            for t in [&c.title, &c.what, &c.why, &c.fix] {
                assert!(
                    !t.en.trim().is_empty() && !t.ja.trim().is_empty(),
                    "{}",
                    c.id
                );
            }
            assert!(c
                .id
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'));
        }
    }
}
