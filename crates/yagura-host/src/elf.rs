//! ELF hardening (HOST-05): NX, stack canary, PIE, RELRO, parsed with `goblin`.

use goblin::elf::dynamic::{
    DF_1_NOW, DF_1_PIE, DF_BIND_NOW, DT_BIND_NOW, DT_DEBUG, DT_FLAGS, DT_FLAGS_1,
};
use goblin::elf::header::{ET_DYN, ET_EXEC};
use goblin::elf::program_header::{PF_X, PT_GNU_RELRO, PT_GNU_STACK, PT_INTERP};
use serde::{Deserialize, Serialize};

/// RELRO level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relro {
    No,
    Partial,
    Full,
}

/// Position independence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pie {
    /// A position-dependent executable.
    No,
    /// A position-independent executable.
    Yes,
    /// A shared object (not an executable).
    Dso,
    /// Neither (a relocatable object, a core file).
    Other,
}

/// The hardening of one ELF file, as `checksec` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hardening {
    pub nx: bool,
    pub canary: bool,
    pub pie: Pie,
    pub relro: Relro,
}

/// An ELF file that could not be analysed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ElfError {
    #[error("`{path}` is not an ELF file")]
    NotElf { path: String },
    #[error("`{path}` is a malformed ELF file: {reason}")]
    Malformed { path: String, reason: String },
}

/// True when the bytes start with the ELF magic.
pub fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

/// Analyses an ELF image. Malformed or truncated input is an error, never a panic.
pub fn analyze(bytes: &[u8], path: &str) -> Result<Hardening, ElfError> {
    if !is_elf(bytes) {
        return Err(ElfError::NotElf {
            path: path.to_string(),
        });
    }
    // goblin is not meant to panic; the guard keeps one odd file from ending a scan if it does
    let parsed = std::panic::catch_unwind(|| analyze_inner(bytes));
    match parsed {
        Ok(Ok(h)) => Ok(h),
        Ok(Err(reason)) => Err(ElfError::Malformed {
            path: path.to_string(),
            reason,
        }),
        Err(_) => Err(ElfError::Malformed {
            path: path.to_string(),
            reason: "the ELF parser failed".to_string(),
        }),
    }
}

fn analyze_inner(bytes: &[u8]) -> Result<Hardening, String> {
    let elf = goblin::elf::Elf::parse(bytes).map_err(|e| e.to_string())?;
    let phs = &elf.program_headers;
    let nx = phs
        .iter()
        .find(|p| p.p_type == PT_GNU_STACK)
        .is_some_and(|p| p.p_flags & PF_X == 0);
    let canary = elf
        .dynsyms
        .iter()
        .filter_map(|s| elf.dynstrtab.get_at(s.st_name))
        .chain(elf.syms.iter().filter_map(|s| elf.strtab.get_at(s.st_name)))
        .any(|n| {
            n.starts_with("__stack_chk_fail")
                || n == "__stack_chk_guard"
                || n == "__intel_security_cookie"
        });
    let dynamic: Vec<(u64, u64)> = elf
        .dynamic
        .as_ref()
        .map(|d| d.dyns.iter().map(|e| (e.d_tag, e.d_val)).collect())
        .unwrap_or_default();
    let has_tag = |t: u64| dynamic.iter().any(|(tag, _)| *tag == t);
    let tag_val = |t: u64| dynamic.iter().find(|(tag, _)| *tag == t).map(|(_, v)| *v);
    let pie = match elf.header.e_type {
        ET_EXEC => Pie::No,
        ET_DYN => {
            let flags1 = tag_val(DT_FLAGS_1).unwrap_or(0);
            if flags1 & DF_1_PIE != 0
                || has_tag(DT_DEBUG)
                || phs.iter().any(|p| p.p_type == PT_INTERP)
            {
                Pie::Yes
            } else {
                Pie::Dso
            }
        }
        _ => Pie::Other,
    };
    let relro = if phs.iter().any(|p| p.p_type == PT_GNU_RELRO) {
        let now = has_tag(DT_BIND_NOW)
            || tag_val(DT_FLAGS).is_some_and(|f| f & DF_BIND_NOW != 0)
            || tag_val(DT_FLAGS_1).is_some_and(|f| f & DF_1_NOW != 0);
        if now {
            Relro::Full
        } else {
            Relro::Partial
        }
    } else {
        Relro::No
    };
    Ok(Hardening {
        nx,
        canary,
        pie,
        relro,
    })
}

impl Hardening {
    /// The missing mitigations, named as checksec names them.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if !self.nx {
            m.push("nx");
        }
        if !self.canary {
            m.push("canary");
        }
        if self.pie == Pie::No {
            m.push("pie");
        }
        match self.relro {
            Relro::No => m.push("relro"),
            Relro::Partial => m.push("full-relro"),
            Relro::Full => {}
        }
        m
    }
}
