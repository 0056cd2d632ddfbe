//! The evaluation's schedule: every account's checks shared by two threads, the findings in
//! one order whoever ran them.

use crate::run::Cx;
use crate::AuditConfig;
use yagura_core::Finding;
use yagura_inventory::Inventory;

/// Evaluates every audit check over the inventory: per account, the findings of every check on
/// every subject it evaluated (PASS or FAIL), or UNKNOWN with the reason.
///
/// Two threads share the work of an account at a time. The second builds the escalation graph
/// of the whole inventory (the principal checks ask it about paths to admin) while the calling
/// thread runs every other check, account after account from the first; with the graph built,
/// the second runs the principal checks, then takes the other checks of the accounts the first
/// has not reached, from the last. The findings come in one order whoever ran them: every
/// account's findings but the principal checks', in account order, then the principal checks'
/// in account order. That order is the walk's, not a report's (reports sort them).
pub fn evaluate(inv: &Inventory, cfg: &AuditConfig) -> Vec<Finding> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, OnceLock, PoisonError};
    let escalation = crate::escalation::Escalation::new(inv);
    let accounts = &inv.accounts;
    let expected: Vec<(usize, usize)> = accounts
        .iter()
        .map(|a| crate::walk::expected_findings(a, crate::checks::ALL))
        .collect();
    // The accounts whose other checks nobody has run yet: `front..back`. The calling thread
    // takes from the front and writes straight into the result; the second from the back.
    let pending = Mutex::new((0, accounts.len()));
    let take = |from_front: bool| {
        let mut p = pending.lock().unwrap_or_else(PoisonError::into_inner);
        let (front, back) = &mut *p;
        if front == back {
            None
        } else if from_front {
            *front += 1;
            Some(*front - 1)
        } else {
            *back -= 1;
            Some(*back)
        }
    };
    let taken_from_back: Vec<OnceLock<Vec<Finding>>> =
        accounts.iter().map(|_| OnceLock::new()).collect();
    let next_principals = AtomicUsize::new(0);
    let principals: Vec<OnceLock<Vec<Finding>>> =
        accounts.iter().map(|_| OnceLock::new()).collect();
    // The principal checks of the accounts nobody has taken yet.
    let take_principals = || loop {
        let i = next_principals.fetch_add(1, Ordering::Relaxed);
        let Some(account) = accounts.get(i) else {
            break;
        };
        let mut found = Vec::with_capacity(expected[i].1);
        let mut cx = Cx::new(cfg, account, &mut found, &escalation);
        crate::walk::principals(&mut cx, crate::checks::ALL);
        // Each index is taken once: the slot is empty.
        let _ = principals[i].set(found);
    };
    let mut out = Vec::with_capacity(expected.iter().map(|(o, p)| o + p).sum());
    std::thread::scope(|s| {
        s.spawn(|| {
            escalation.prepare();
            take_principals();
            while let Some(i) = take(false) {
                let mut found = Vec::with_capacity(expected[i].0);
                let mut cx = Cx::new(cfg, &accounts[i], &mut found, &escalation);
                crate::walk::evaluate_account_but_principals(&mut cx);
                let _ = taken_from_back[i].set(found);
            }
        });
        while let Some(i) = take(true) {
            let mut cx = Cx::new(cfg, &accounts[i], &mut out, &escalation);
            crate::walk::evaluate_account_but_principals(&mut cx);
        }
        take_principals();
    });
    for found in taken_from_back.into_iter().chain(principals) {
        out.append(&mut found.into_inner().unwrap_or_default());
    }
    out
}
