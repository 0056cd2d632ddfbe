#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};

use jiff::{SignedDuration, Timestamp};
use yagura_creds::*;

const CONFIG: &str = "\
[profile bastion]
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile dev-admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = bastion

[profile dev-read]
role_arn = arn:aws:iam::222222222222:role/ReadOnly
source_profile = bastion

[profile long]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = bastion
duration_seconds = 14400

[profile chained]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = dev-admin
duration_seconds = 7200

[profile nomfa]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = plain

[profile fromtoken]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = temp
";

const CREDENTIALS: &str = "\
[bastion]
aws_access_key_id = AKIABASTION
aws_secret_access_key = bastionsecret

[plain]
aws_access_key_id = AKIAPLAIN
aws_secret_access_key = plainsecret

[temp]
aws_access_key_id = ASIATEMP
aws_secret_access_key = tempsecret
aws_session_token = temptoken
";

#[derive(Default)]
struct FakeSts {
    log: Mutex<Vec<String>>,
    fail: Option<String>,
}

impl FakeSts {
    fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

fn issued(id: String, now: Timestamp, secs: u32) -> Credentials {
    Credentials {
        access_key_id: id,
        secret_access_key: Secret::new("s"),
        session_token: Some(Secret::new("t")),
        expiration: Some(
            now.checked_add(SignedDuration::from_secs(i64::from(secs)))
                .unwrap(),
        ),
    }
}

impl Sts for FakeSts {
    type Error = String;
    fn get_session_token(
        &self,
        source: &Credentials,
        mfa: Option<&MfaCode>,
        d: u32,
    ) -> Result<Credentials, String> {
        std::thread::sleep(std::time::Duration::from_millis(20));
        self.log.lock().unwrap().push(format!(
            "GetSessionToken by {} code={} {d}s",
            source.access_key_id,
            mfa.map_or("-", |m| m.code.expose())
        ));
        if let Some(f) = &self.fail {
            return Err(f.clone());
        }
        Ok(issued("ASIASESSION".to_string(), Timestamp::now(), d))
    }
    fn assume_role(
        &self,
        with: &Credentials,
        r: &AssumeRoleRequest,
    ) -> Result<Credentials, String> {
        let role = r.role_arn.rsplit('/').next().unwrap();
        self.log.lock().unwrap().push(format!(
            "AssumeRole {role} by {} as {} code={} {}s",
            with.access_key_id,
            r.role_session_name,
            r.mfa.as_ref().map_or("-", |m| m.code.expose()),
            r.duration_seconds
        ));
        Ok(issued(
            format!("ASIAROLE{}", role.to_uppercase()),
            Timestamp::now(),
            r.duration_seconds,
        ))
    }
}

fn files() -> AwsFiles {
    AwsFiles::parse(Some((CONFIG, "config")), Some((CREDENTIALS, "credentials"))).unwrap()
}

struct Env {
    _dir: tempfile::TempDir,
    cache: SessionCache,
    prompts: Arc<AtomicUsize>,
}

fn env() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let cache = SessionCache::open(dir.path()).unwrap();
    Env {
        _dir: dir,
        cache,
        prompts: Arc::new(AtomicUsize::new(0)),
    }
}

fn run(e: &Env, sts: &FakeSts, profile: &str, code: &str) -> Result<FlowResult, FlowError<String>> {
    let prompts = e.prompts.clone();
    let code = code.to_string();
    let mut ask = move |serial: &str| {
        assert_eq!(serial, "arn:aws:iam::111111111111:mfa/alice");
        prompts.fetch_add(1, Ordering::SeqCst);
        Ok(Secret::new(code.clone()))
    };
    credentials_for(
        &files(),
        profile,
        &e.cache,
        sts,
        &mut ask,
        Timestamp::now(),
        &FlowOptions::default(),
    )
}

#[test]
fn login_then_roles_share_one_session() {
    let e = env();
    let sts = FakeSts::default();
    let r = run(&e, &sts, "bastion", "123456").unwrap();
    assert_eq!(r.credentials.access_key_id, "ASIASESSION");
    assert!(r.prompted);
    let r = run(&e, &sts, "dev-admin", "999999").unwrap();
    assert_eq!(r.credentials.access_key_id, "ASIAROLEADMIN");
    assert!(!r.prompted);
    run(&e, &sts, "dev-read", "999999").unwrap();
    run(&e, &sts, "dev-admin", "999999").unwrap();
    assert_eq!(
        sts.log(),
        vec![
            "GetSessionToken by AKIABASTION code=123456 43200s",
            "AssumeRole Admin by ASIASESSION as yagura code=- 3600s",
            "AssumeRole ReadOnly by ASIASESSION as yagura code=- 3600s",
        ]
    );
    assert_eq!(e.prompts.load(Ordering::SeqCst), 1);
}

#[test]
fn long_role_session_is_assumed_directly_with_mfa() {
    let e = env();
    let sts = FakeSts::default();
    let r = run(&e, &sts, "long", "222222").unwrap();
    assert_eq!(
        sts.log(),
        vec!["AssumeRole Admin by AKIABASTION as yagura code=222222 14400s"]
    );
    assert!(
        r.notes[0].contains("assuming the role directly with MFA"),
        "{:?}",
        r.notes
    );
    // cached: no second prompt
    run(&e, &sts, "long", "333333").unwrap();
    assert_eq!(e.prompts.load(Ordering::SeqCst), 1);
}

#[test]
fn chained_role_is_capped_at_one_hour() {
    let e = env();
    let sts = FakeSts::default();
    let r = run(&e, &sts, "chained", "444444").unwrap();
    assert_eq!(
        sts.log(),
        vec![
            "GetSessionToken by AKIABASTION code=444444 43200s",
            "AssumeRole Admin by ASIASESSION as yagura code=- 3600s",
            "AssumeRole Deploy by ASIAROLEADMIN as yagura code=- 3600s",
        ]
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("profile `chained`") && n.contains("`7200` s was capped")),
        "{:?}",
        r.notes
    );
}

#[test]
fn sources_without_mfa_or_with_a_token() {
    let e = env();
    let sts = FakeSts::default();
    run(&e, &sts, "nomfa", "x").unwrap();
    run(&e, &sts, "fromtoken", "x").unwrap();
    assert_eq!(
        sts.log(),
        vec![
            "AssumeRole Admin by AKIAPLAIN as yagura code=- 3600s",
            "AssumeRole Admin by ASIATEMP as yagura code=- 3600s",
        ]
    );
    assert_eq!(e.prompts.load(Ordering::SeqCst), 0);
}

#[test]
fn bad_codes_and_sts_errors_are_clear() {
    let e = env();
    let sts = FakeSts::default();
    let err = run(&e, &sts, "dev-admin", "12ab56")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "MFA code for `arn:aws:iam::111111111111:mfa/alice`: a one-time code is 6 digits"
    );
    assert!(sts.log().is_empty());

    let failing = FakeSts {
        fail: Some(
            "AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code"
                .into(),
        ),
        ..FakeSts::default()
    };
    let err = run(&e, &failing, "dev-admin", "555555")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "sts GetSessionToken for profile `bastion`: AccessDenied: MultiFactorAuthentication failed with invalid MFA one time pass code"
    );
    // the refused code is not burned; a used one is
    run(&e, &sts, "dev-admin", "555555").unwrap();
    let e2 = Env {
        _dir: tempfile::tempdir().unwrap(),
        cache: e.cache.clone(),
        prompts: e.prompts.clone(),
    };
    e2.cache
        .remove(&CacheKey::session(
            "AKIABASTION",
            Some("arn:aws:iam::111111111111:mfa/alice"),
        ))
        .unwrap();
    let err = run(&e2, &sts, "bastion", "555555").unwrap_err();
    assert!(matches!(err, FlowError::CodeReused { .. }), "{err}");

    let err = credentials_for(
        &files(),
        "nosuch",
        &e.cache,
        &sts,
        &mut |_: &str| Ok(Secret::new("1")),
        Timestamp::now(),
        &FlowOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "profile `nosuch` is not defined in the config or credentials file"
    );
}

#[test]
fn ten_parallel_callers_prompt_once() {
    let e = Arc::new(env());
    let sts = Arc::new(FakeSts::default());
    let barrier = Arc::new(Barrier::new(10));
    let hs: Vec<_> = (0..10)
        .map(|_| {
            let (e, sts, barrier) = (e.clone(), sts.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                run(&e, &sts, "dev-admin", "777777")
                    .unwrap()
                    .credentials
                    .access_key_id
            })
        })
        .collect();
    for h in hs {
        assert_eq!(h.join().unwrap(), "ASIAROLEADMIN");
    }
    assert_eq!(e.prompts.load(Ordering::SeqCst), 1);
    assert_eq!(sts.log().len(), 2, "{:?}", sts.log());
}
