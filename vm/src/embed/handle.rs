//! Rooted handles: Cairn values a Rust host keeps across calls and
//! collections.
//!
//! A [`Handle`] owns an entry in the VM's handle table, a root the
//! collector renames when the object moves. Dropping the last clone of a
//! handle queues its entry for release; the VM releases queued entries at
//! its next collection, so a handle can be dropped on any thread, without
//! the VM at hand.

use std::sync::{Arc, Mutex, PoisonError};

use super::convert::mismatch;
use super::{Error, FromValue, IntoValue};
use crate::heap;
use crate::interp::Vm;
use crate::object::Object;
use crate::value::Value;

/// The embedding state of one VM: its identity (so a handle is never used
/// with another VM), the queue of dropped handles, and the Rust closures
/// bound as Cairn functions. Hosts use it through [`Runtime`](super::Runtime).
#[doc(hidden)]
pub struct State {
    pub(crate) id: u64,
    dropped: Arc<Mutex<Vec<heap::Handle>>>,
    pub(crate) functions: Vec<Arc<dyn super::host_fn::HostCallable>>,
    /// A second reference to each of `functions`, moved out while it runs
    /// and back after, so a call costs no atomic reference counting (an
    /// `Arc` clone and drop are two locked instructions). A call that
    /// finds its slot empty (the function is already running further up)
    /// clones from `functions`.
    pub(crate) idle: Vec<Option<Arc<dyn super::host_fn::HostCallable>>>,
    /// The class each registered Rust type is exposed as (roots).
    pub(crate) classes: std::collections::HashMap<std::any::TypeId, crate::value::ObjRef>,
}

impl Default for State {
    fn default() -> State {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        State {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            dropped: Arc::default(),
            functions: Vec::new(),
            idle: Vec::new(),
            classes: std::collections::HashMap::new(),
        }
    }
}

impl State {
    /// Visits the roots it holds: the registered classes.
    pub(crate) fn trace(&mut self, t: &mut dyn crate::heap::Tracer) {
        self.classes.values_mut().for_each(|r| t.obj(r));
    }

    /// Releases the entries of handles dropped since the last call.
    pub(crate) fn release_dropped(&self, handles: &mut heap::Handles) {
        let dropped =
            std::mem::take(&mut *self.dropped.lock().unwrap_or_else(PoisonError::into_inner));
        for h in dropped {
            handles.release(h);
        }
    }
}

struct Rooted {
    entry: heap::Handle,
    owner: u64,
    dropped: Arc<Mutex<Vec<heap::Handle>>>,
}

impl Drop for Rooted {
    fn drop(&mut self) {
        self.dropped
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(self.entry);
    }
}

/// A rooted reference to any Cairn value: it keeps the value alive and
/// finds it again after the collector moves it. Clones share one root.
/// Get one by converting a value (`FromValue`), use it as an argument
/// (`IntoValue`) or read it back with [`Runtime::get`](super::Runtime::get).
///
/// ```
/// use cairn_vm::embed::{Config, Handle, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// let list: Handle = rt.value(vec![1, 2, 3]).unwrap();
/// rt.collect().unwrap(); // the list may move; the handle follows it
/// assert_eq!(rt.get::<Vec<i64>>(&list).unwrap(), [1, 2, 3]);
/// ```
#[derive(Clone)]
pub struct Handle {
    rooted: Arc<Rooted>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Handle({:?})", self.rooted.entry)
    }
}

impl Handle {
    /// Roots `v` in `vm`.
    pub fn new(vm: &mut Vm, v: Value) -> Handle {
        let entry = vm.handles.add(v);
        Handle {
            rooted: Arc::new(Rooted {
                entry,
                owner: vm.embed.id,
                dropped: vm.embed.dropped.clone(),
            }),
        }
    }

    /// The value the handle roots, now.
    ///
    /// # Errors
    /// [`Misuse`](super::ErrorKind::Misuse) when the handle belongs to
    /// another VM.
    pub fn value(&self, vm: &Vm) -> Result<Value, Error> {
        if self.rooted.owner != vm.embed.id {
            return Err(Error::misuse(
                "a handle was used with a VM other than its own",
            ));
        }
        vm.handles
            .get(self.rooted.entry)
            .ok_or_else(|| Error::misuse("a handle's root was released"))
    }
}

impl FromValue for Handle {
    fn from_value(v: Value, vm: &mut Vm) -> Result<Handle, Error> {
        Ok(Handle::new(vm, v))
    }
}

impl IntoValue for Handle {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        self.value(vm)
    }
}

impl IntoValue for &Handle {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        self.value(vm)
    }
}

/// Whether a value can be called: a function, a bound method, a native or
/// a class.
pub(crate) fn is_callable(vm: &Vm, v: Value) -> bool {
    match v {
        Value::Obj(r) => matches!(
            vm.heap.get(r),
            Object::Closure(_) | Object::Native(_) | Object::Bound(_) | Object::Class(_)
        ),
        _ => false,
    }
}

/// A rooted handle to something callable: a Cairn function or method, a
/// class (calling it constructs), or a Rust closure made into a Cairn
/// function with [`Runtime::create_function`](super::Runtime::create_function).
///
/// ```
/// use cairn_vm::embed::{Config, Function, Runtime};
/// let mut rt = Runtime::new(Config::default());
/// let double: Function = rt.create_function("double", |x: i64| x * 2);
/// assert_eq!(rt.call_function::<i64>(&double, (21,)).unwrap(), 42);
/// ```
#[derive(Clone, Debug)]
pub struct Function {
    handle: Handle,
}

impl Function {
    /// The handle behind it.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }
}

impl FromValue for Function {
    fn from_value(v: Value, vm: &mut Vm) -> Result<Function, Error> {
        if !is_callable(vm, v) {
            return Err(mismatch(vm, "Function", v));
        }
        Ok(Function {
            handle: Handle::new(vm, v),
        })
    }
}

impl IntoValue for Function {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        self.handle.value(vm)
    }
}

impl IntoValue for &Function {
    fn into_value(self, vm: &mut Vm) -> Result<Value, Error> {
        self.handle.value(vm)
    }
}
