//! Every parser of outside input in yagura-creds on arbitrary bytes: the AWS config and
//! credentials files (and resolving every profile of them), a `credential_process` output, the
//! SSO token cache, an HTTP request to the credentials server (and its answer). None may
//! panic; no error may quote a secret value.
#![no_main]
use libfuzzer_sys::fuzz_target;
use yagura_creds::server::{parse_request, respond, Settings};
use yagura_creds::{AwsFiles, Credentials, Secret};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(files) = AwsFiles::parse(Some((&text, "config")), Some((&text, "credentials"))) {
        for name in files.profiles.keys() {
            let _ = files.resolve(name);
        }
    }
    if let Err(e) = yagura_creds::process::parse_output(&text) {
        assert!(!e.contains("SECRETVALUE"), "{e}");
    }
    if let Ok(t) = yagura_creds::sso::parse_token(&text) {
        let _ = yagura_creds::sso::parse_expiry(&t.expires_at);
    }
    if let Ok(Some(req)) = parse_request(data) {
        let s = Settings {
            container_path: "/creds".into(),
            token: Secret::new("t"),
            imds: true,
            imds_token: Secret::new("i"),
            role_name: "r".into(),
            port: 1,
        };
        let creds = || -> Result<Credentials, String> { Err("none".into()) };
        let r = respond(&req, &s, &creds, jiff::Timestamp::UNIX_EPOCH);
        let _ = r.to_bytes();
    }
});
