//! Everything that points into code: jump targets, and the handler, line
//! and local-name tables. "On an instruction boundary" means an instruction
//! start found by decoding ([`Code`]).

use crate::classfile::Function;

use super::code::{offset, Code};
use super::{Fault, VerifyRule};

/// Rules `target-in-code` and `target-on-boundary`, for every instruction.
pub(super) fn targets(code: &Code) -> Result<(), Fault> {
    for insn in code.branches() {
        let Some(&target) = code
            .info(insn)
            .target
            .and_then(|s| insn.operands.get(usize::from(s)))
        else {
            continue;
        };
        let at = offset(target);
        if at >= code.len() {
            let rule = VerifyRule::TargetInCode {
                target,
                len: code.len(),
            };
            return Err(Fault::at(insn.at(), rule));
        }
        if !code.is_start(at) {
            return Err(Fault::at(
                insn.at(),
                VerifyRule::TargetOnBoundary { target },
            ));
        }
    }
    Ok(())
}

/// The tables that hold code offsets: rules `handler-range`,
/// `handler-boundary`, `handler-target`, `handler-depth`, `line-table` and
/// `local-name-range`.
pub(super) fn tables(func: &Function, code: &Code) -> Result<(), Fault> {
    for index in 0..func.handlers.len() {
        handler(func, code, index)?;
    }
    lines(func, code)?;
    Ok(local_names(func)?)
}

fn handler(func: &Function, code: &Code, index: usize) -> Result<(), VerifyRule> {
    let Some(h) = func.handlers.get(index) else {
        return Ok(());
    };
    let len = func.code.len();
    let (start, end, target) = (offset(h.start), offset(h.end), offset(h.handler));
    if start >= end || end > len {
        return Err(VerifyRule::HandlerRange {
            handler: index,
            start: h.start,
            end: h.end,
            len,
        });
    }
    let boundary = |field, pc| VerifyRule::HandlerBoundary {
        handler: index,
        field,
        pc,
    };
    if !code.is_start(start) {
        return Err(boundary("start", h.start));
    }
    if !code.ends_range(end) {
        return Err(boundary("end", h.end));
    }
    if target >= len {
        return Err(VerifyRule::HandlerTarget {
            handler: index,
            target: h.handler,
            len,
        });
    }
    if !code.is_start(target) {
        return Err(boundary("target", h.handler));
    }
    if h.depth >= func.max_stack {
        return Err(VerifyRule::HandlerDepth {
            handler: index,
            depth: h.depth,
            max_stack: func.max_stack,
        });
    }
    Ok(())
}

fn lines(func: &Function, code: &Code) -> Result<(), VerifyRule> {
    let mut previous: Option<u32> = None;
    for (entry, &(pc, _line)) in func.lines.iter().enumerate() {
        let ordered = previous.is_none_or(|p| pc > p);
        if !ordered || !code.is_start(offset(pc)) {
            return Err(VerifyRule::LineTable { entry, pc });
        }
        previous = Some(pc);
    }
    Ok(())
}

fn local_names(func: &Function) -> Result<(), VerifyRule> {
    let len = func.code.len();
    for (entry, name) in func.local_names.iter().enumerate() {
        if name.start > name.end || offset(name.end) > len {
            return Err(VerifyRule::LocalNameRange {
                entry,
                start: name.start,
                end: name.end,
                len,
            });
        }
    }
    Ok(())
}
