//! Handing credentials over (CRED-02) and writing switch-role profiles (CRED-03).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::credentials::Credentials;
use yagura_core::Secret;

use yagura_core::escape::uri_component as enc;

/// Why an output could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    #[error("a console sign-in needs temporary credentials with a session token; long-term keys cannot sign in (assume a role first)")]
    NoSessionToken,
    #[error("console session duration `{0}` must be 900 to 43200 seconds")]
    BadSessionDuration(u32),
    #[error("the sign-in token response is not valid: {0}")]
    BadSigninResponse(String),
    #[error("account id `{0}` is not 12 digits")]
    BadAccountId(String),
    #[error("role name `{0}` is not a valid IAM role name")]
    BadRoleName(String),
    #[error("profile name prefix `{0}` may hold only letters, digits, `-`, `_` and `.`")]
    BadPrefix(String),
    #[error("serializing credentials: {0}")]
    Json(String),
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ProcessOutput<'a> {
    version: u32,
    access_key_id: &'a str,
    secret_access_key: &'a Secret,
    #[serde(skip_serializing_if = "Option::is_none")]
    session_token: Option<&'a Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration: Option<String>,
}

/// The `credential_process` JSON (`Version` 1; `Expiration` in RFC 3339 when temporary).
/// Returned as a [`Secret`]: print it with `expose()` to stdout only.
pub fn credential_process_json(c: &Credentials) -> Result<Secret, OutputError> {
    let out = ProcessOutput {
        version: 1,
        access_key_id: &c.access_key_id,
        secret_access_key: &c.secret_access_key,
        session_token: c.session_token.as_ref(),
        expiration: c.expiration.map(|t| t.to_string()),
    };
    serde_json::to_string(&out)
        .map(Secret::new)
        .map_err(|e| OutputError::Json(e.to_string()))
}

/// Environment changes for `creds exec`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvChanges {
    /// Variables to set (values may be secret; `Debug` hides them).
    pub set: Vec<(String, Secret)>,
    /// Variables to remove, so that nothing in the parent's environment (a profile, an older
    /// token, a web identity) overrides or mixes with the new credentials.
    pub remove: Vec<String>,
}

impl EnvChanges {
    /// Applies the changes to a command.
    pub fn apply(&self, cmd: &mut std::process::Command) {
        for k in &self.remove {
            cmd.env_remove(k);
        }
        for (k, v) in &self.set {
            cmd.env(k, v.expose());
        }
    }
}

const ALWAYS_REMOVE: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_ROLE_SESSION_NAME",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
];

/// The environment for a child process using `c` as profile `profile`.
pub fn exec_env(c: &Credentials, region: Option<&str>, profile: &str) -> EnvChanges {
    let mut set = vec![
        (
            "AWS_ACCESS_KEY_ID".to_string(),
            Secret::new(c.access_key_id.clone()),
        ),
        (
            "AWS_SECRET_ACCESS_KEY".to_string(),
            c.secret_access_key.clone(),
        ),
    ];
    let mut remove: Vec<String> = ALWAYS_REMOVE.iter().map(|s| (*s).to_string()).collect();
    match &c.session_token {
        Some(t) => set.push(("AWS_SESSION_TOKEN".to_string(), t.clone())),
        None => remove.push("AWS_SESSION_TOKEN".to_string()),
    }
    match c.expiration {
        Some(e) => set.push((
            "AWS_CREDENTIAL_EXPIRATION".to_string(),
            Secret::new(e.to_string()),
        )),
        None => remove.push("AWS_CREDENTIAL_EXPIRATION".to_string()),
    }
    if let Some(r) = region {
        set.push(("AWS_REGION".to_string(), Secret::new(r)));
        set.push(("AWS_DEFAULT_REGION".to_string(), Secret::new(r)));
    }
    // Lets a shell prompt show the profile, and `creds exec` refuse to nest.
    set.push(("YAGURA_PROFILE".to_string(), Secret::new(profile)));
    EnvChanges { set, remove }
}

/// An AWS partition, for sign-in endpoints and ARNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Partition {
    #[default]
    Aws,
    AwsCn,
    AwsUsGov,
}

impl Partition {
    /// The partition of a region name.
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("cn-") {
            Partition::AwsCn
        } else if region.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else {
            Partition::Aws
        }
    }

    pub fn arn_name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    /// The federation endpoint (`getSigninToken`, `login`).
    pub fn federation(self) -> &'static str {
        match self {
            Partition::Aws => "https://signin.aws.amazon.com/federation",
            Partition::AwsCn => "https://signin.amazonaws.cn/federation",
            Partition::AwsUsGov => "https://signin.amazonaws-us-gov.com/federation",
        }
    }

    /// The console home, optionally in a region.
    pub fn console(self, region: Option<&str>) -> String {
        let host = match self {
            Partition::Aws => "console.aws.amazon.com",
            Partition::AwsCn => "console.amazonaws.cn",
            Partition::AwsUsGov => "console.amazonaws-us-gov.com",
        };
        match region {
            Some(r) => format!("https://{host}/console/home?region={}", enc(r)),
            None => format!("https://{host}/"),
        }
    }
}

#[derive(Serialize)]
struct FederationSession<'a> {
    #[serde(rename = "sessionId")]
    session_id: &'a str,
    #[serde(rename = "sessionKey")]
    session_key: &'a str,
    #[serde(rename = "sessionToken")]
    session_token: &'a str,
}

/// Step 1 of a console sign-in: the `getSigninToken` request URL (GET it; the response is
/// `{"SigninToken":"…"}`). `session_duration` (900–43200 s) is accepted by the federation
/// endpoint only for role credentials, not for GetFederationToken ones.
pub fn signin_token_url(
    c: &Credentials,
    session_duration: Option<u32>,
    partition: Partition,
) -> Result<Secret, OutputError> {
    signin_token_url_at(c, session_duration, partition.federation())
}

/// [`signin_token_url`] against another federation endpoint (a stand-in in tests).
pub fn signin_token_url_at(
    c: &Credentials,
    session_duration: Option<u32>,
    federation: &str,
) -> Result<Secret, OutputError> {
    let token = c
        .session_token
        .as_ref()
        .ok_or(OutputError::NoSessionToken)?;
    let session = serde_json::to_string(&FederationSession {
        session_id: &c.access_key_id,
        session_key: c.secret_access_key.expose(),
        session_token: token.expose(),
    })
    .map_err(|e| OutputError::Json(e.to_string()))?;
    let mut url = format!("{federation}?Action=getSigninToken");
    if let Some(d) = session_duration {
        if !(900..=43_200).contains(&d) {
            return Err(OutputError::BadSessionDuration(d));
        }
        url.push_str(&format!("&SessionDuration={d}"));
    }
    url.push_str("&Session=");
    url.push_str(&enc(&session));
    Ok(Secret::new(url))
}

/// Reads the `getSigninToken` response body.
pub fn parse_signin_token_response(body: &str) -> Result<Secret, OutputError> {
    #[derive(serde::Deserialize)]
    struct R {
        #[serde(rename = "SigninToken")]
        signin_token: String,
    }
    let r: R = serde_json::from_str(body).map_err(|e| {
        // serde messages quote no input here beyond a type name; keep the body out of it.
        OutputError::BadSigninResponse(e.to_string())
    })?;
    if r.signin_token.is_empty() {
        return Err(OutputError::BadSigninResponse(
            "empty `SigninToken`".to_string(),
        ));
    }
    Ok(Secret::new(r.signin_token))
}

/// Step 2: the login URL that opens the console at `destination` (a bearer credential for
/// 15 minutes: print it only to stdout or open it in a browser).
pub fn login_url(token: &Secret, destination: &str, issuer: &str, partition: Partition) -> Secret {
    login_url_at(token, destination, issuer, partition.federation())
}

/// [`login_url`] at another federation endpoint (a stand-in in tests).
pub fn login_url_at(token: &Secret, destination: &str, issuer: &str, federation: &str) -> Secret {
    Secret::new(format!(
        "{federation}?Action=login&Issuer={}&Destination={}&SigninToken={}",
        enc(issuer),
        enc(destination),
        enc(token.expose())
    ))
}

/// An account for switch-role profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    /// The account's IAM alias (`iam:ListAccountAliases` in that account), if it has one and
    /// it could be read.
    pub alias: Option<String>,
    /// The account's name in AWS Organizations.
    pub name: Option<String>,
}

/// Where a generated profile's name came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedBy {
    Alias,
    OrganizationsName,
    AccountId,
}

/// Settings shared by every generated profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SwitchRoleOptions {
    pub role_name: String,
    pub source_profile: String,
    pub mfa_serial: Option<String>,
    pub region: Option<String>,
    pub duration_seconds: Option<u32>,
    /// Prepended to every profile name, e.g. `org-`; letters, digits, `-`, `_` and `.` only.
    pub prefix: String,
    pub partition: Partition,
    /// The yagura command (`/usr/local/bin/yagura`): the profiles then call
    /// `… creds process NAME` through `credential_process`, with the role in
    /// `yagura_role_arn`/`yagura_source_profile` (which the AWS CLI ignores), so every tool
    /// shares yagura's one MFA session. `None`: the AWS CLI's own `role_arn` +
    /// `source_profile` + `mfa_serial`, where each tool prompts on its own.
    pub process_command: Option<String>,
}

/// A command for `credential_process`: quoted when it has characters a shell splits on.
pub fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:@,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// First line of the block that [`switch_role_profiles`] writes.
pub const BLOCK_BEGIN: &str = "# BEGIN yagura switch-role profiles (generated; edits are replaced)";
/// Last line of the block.
pub const BLOCK_END: &str = "# END yagura switch-role profiles";

/// A profile name from an alias: lowercase ASCII letters, digits, `-`, `_` and `.`; any other
/// run of characters becomes one `-`. An empty result falls back to the account id.
pub fn sanitize_profile_name(alias: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in alias.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c);
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
    }
    out.trim_matches(|c| c == '-' || c == '.').to_string()
}

fn valid_role_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 64
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

fn valid_prefix(p: &str) -> bool {
    p.len() <= 64
        && p.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// The base name of an account's profile (before the prefix and de-duplication): the
/// sanitized alias, else the sanitized Organizations name, else the account id.
pub fn profile_base_name(a: &Account) -> (String, NamedBy) {
    let pick = |s: &Option<String>| {
        s.as_deref()
            .map(sanitize_profile_name)
            .filter(|n| !n.is_empty())
    };
    if let Some(n) = pick(&a.alias) {
        (n, NamedBy::Alias)
    } else if let Some(n) = pick(&a.name) {
        (n, NamedBy::OrganizationsName)
    } else {
        (a.id.clone(), NamedBy::AccountId)
    }
}

/// The profile name of every account, in the order given: `prefix` + [`profile_base_name`];
/// a name several accounts would get is suffixed with each one's account id (and a counter
/// in the unlikely case that is taken too), so every account keeps a profile of its own.
pub fn profile_names(accounts: &[Account], prefix: &str) -> Vec<String> {
    let bases: Vec<String> = accounts
        .iter()
        .map(|a| format!("{prefix}{}", profile_base_name(a).0))
        .collect();
    let mut count = std::collections::BTreeMap::<&str, usize>::new();
    for b in &bases {
        *count.entry(b.as_str()).or_default() += 1;
    }
    let mut used = BTreeSet::new();
    let mut out = Vec::with_capacity(bases.len());
    for (b, a) in bases.iter().zip(accounts) {
        let mut name = if count.get(b.as_str()).copied().unwrap_or(0) > 1 {
            format!("{b}-{}", a.id)
        } else {
            b.clone()
        };
        if used.contains(&name) {
            name = format!("{b}-{}", a.id);
        }
        let mut n = 2;
        while used.contains(&name) {
            name = format!("{b}-{}-{n}", a.id);
            n += 1;
        }
        used.insert(name.clone());
        out.push(name);
    }
    out
}

/// The `~/.aws/config` block of switch-role profiles, one per account, sorted by name,
/// between [`BLOCK_BEGIN`] and [`BLOCK_END`]. Names come from [`profile_names`]: the IAM
/// alias, else the Organizations name, else the account id, always safe as an INI section
/// name (`[profile NAME]`).
pub fn switch_role_profiles(
    accounts: &[Account],
    o: &SwitchRoleOptions,
) -> Result<String, OutputError> {
    if !valid_role_name(&o.role_name) {
        return Err(OutputError::BadRoleName(o.role_name.clone()));
    }
    if !valid_prefix(&o.prefix) {
        return Err(OutputError::BadPrefix(o.prefix.clone()));
    }
    for a in accounts {
        if a.id.len() != 12 || !a.id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OutputError::BadAccountId(a.id.clone()));
        }
    }
    let mut profiles: Vec<(String, &Account)> = profile_names(accounts, &o.prefix)
        .into_iter()
        .zip(accounts)
        .collect();
    profiles.sort_by(|x, y| x.0.cmp(&y.0).then_with(|| x.1.id.cmp(&y.1.id)));

    let mut out = String::new();
    out.push_str(BLOCK_BEGIN);
    out.push('\n');
    for (name, a) in profiles {
        out.push('\n');
        // aliases and names are outside data: keep comment lines single-line
        let clean = yagura_core::escape::one_line;
        match (&a.alias, &a.name) {
            (Some(alias), Some(name)) => out.push_str(&format!(
                "# {} alias `{}`, Organizations name `{}`\n",
                a.id,
                clean(alias),
                clean(name)
            )),
            (Some(alias), None) => out.push_str(&format!("# {} alias `{}`\n", a.id, clean(alias))),
            (None, Some(name)) => out.push_str(&format!(
                "# {} Organizations name `{}` (no alias)\n",
                a.id,
                clean(name)
            )),
            (None, None) => {}
        }
        out.push_str(&format!("[profile {name}]\n"));
        let arn = format!(
            "arn:{}:iam::{}:role/{}",
            o.partition.arn_name(),
            a.id,
            o.role_name
        );
        match &o.process_command {
            Some(cmd) => {
                out.push_str(&format!(
                    "credential_process = {} creds process {name}\n",
                    shell_word(cmd)
                ));
                out.push_str(&format!("yagura_role_arn = {arn}\n"));
                out.push_str(&format!("yagura_source_profile = {}\n", o.source_profile));
            }
            None => {
                out.push_str(&format!("role_arn = {arn}\n"));
                out.push_str(&format!("source_profile = {}\n", o.source_profile));
                if let Some(m) = &o.mfa_serial {
                    out.push_str(&format!("mfa_serial = {m}\n"));
                }
            }
        }
        if let Some(r) = &o.region {
            out.push_str(&format!("region = {r}\n"));
        }
        if let Some(d) = o.duration_seconds {
            out.push_str(&format!("duration_seconds = {d}\n"));
        }
    }
    out.push('\n');
    out.push_str(BLOCK_END);
    out.push('\n');
    Ok(out)
}

/// Replaces the generated block in an existing config text (or appends it), leaving every
/// other line as it was.
pub fn replace_managed_block(existing: &str, block: &str) -> String {
    let begin = existing.find(BLOCK_BEGIN);
    let end = existing.find(BLOCK_END);
    match (begin, end) {
        (Some(b), Some(e)) if e > b => {
            let after = existing
                .get(e + BLOCK_END.len()..)
                .unwrap_or("")
                .strip_prefix('\n')
                .unwrap_or_else(|| existing.get(e + BLOCK_END.len()..).unwrap_or(""));
            format!("{}{block}{after}", existing.get(..b).unwrap_or(""))
        }
        _ => {
            let mut s = existing.to_string();
            if !s.is_empty() && !s.ends_with('\n') {
                s.push('\n');
            }
            if !s.is_empty() {
                s.push('\n');
            }
            s.push_str(block);
            s
        }
    }
}
