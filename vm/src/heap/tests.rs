use super::*;
use crate::interp::fiber::{Fiber, FiberState};
use crate::object::{MapKey, MapObj, StrObj};
use crate::value::Value;

/// A small heap that checks itself after every collection.
fn heap() -> Heap {
    Heap::new(HeapConfig {
        eden: 64,
        survivor: 16,
        verify: true,
        ..HeapConfig::default()
    })
}

fn collect(h: &mut Heap, roots: &mut [Value]) -> Outcome {
    h.collect(&mut |t: &mut dyn Tracer| roots.iter_mut().for_each(|v| t.value(v)))
}

fn major(h: &mut Heap, roots: &mut [Value]) -> Outcome {
    h.request_major();
    collect(h, roots)
}

fn list(h: &mut Heap, items: Vec<Value>) -> Value {
    Value::Obj(h.alloc(Object::List(items)))
}

fn string(h: &mut Heap, s: &str) -> Value {
    Value::Obj(h.alloc(Object::Str(StrObj::new(s))))
}

fn text(h: &Heap, v: Value) -> String {
    match h.get(v.as_obj().expect("an object")) {
        Object::Str(s) => s.text.to_string(),
        other => panic!("not a string: {other:?}"),
    }
}

fn items(h: &Heap, v: Value) -> Vec<Value> {
    match h.get(v.as_obj().expect("an object")) {
        Object::List(items) => items.clone(),
        other => panic!("not a list: {other:?}"),
    }
}

#[test]
fn survivors_move_and_roots_follow() {
    let mut h = heap();
    let s = string(&mut h, "kept");
    let _garbage = string(&mut h, "dropped");
    let mut roots = [s];
    collect(&mut h, &mut roots);
    assert_eq!(text(&h, roots[0]), "kept");
    assert_eq!(h.object_count(), 1);
    // Surviving `tenure_age` minor collections promotes it.
    collect(&mut h, &mut roots);
    assert!(!h.is_young(roots[0].as_obj().unwrap()));
    assert_eq!(text(&h, roots[0]), "kept");
    assert_eq!(h.stats.promoted_objects, 1);
}

#[test]
fn cycles_are_collected() {
    let mut h = heap();
    let a = list(&mut h, vec![]);
    let b = list(&mut h, vec![a]);
    if let Object::List(items) = h.get_mut(a.as_obj().unwrap()) {
        items.push(b);
    }
    let mut roots = [a];
    // Promote the cycle, then drop it: only a major collection frees it.
    collect(&mut h, &mut roots);
    collect(&mut h, &mut roots);
    assert_eq!(h.object_count(), 2);
    let mut none: [Value; 0] = [];
    collect(&mut h, &mut none);
    assert_eq!(
        h.object_count(),
        2,
        "old objects wait for a major collection"
    );
    major(&mut h, &mut none);
    assert_eq!(h.object_count(), 0);
    assert_eq!(h.stats.freed_objects, 2);
}

#[test]
fn an_object_referenced_only_from_an_old_one_is_kept() {
    let mut h = heap();
    let old = list(&mut h, vec![]);
    let mut roots = [old];
    collect(&mut h, &mut roots);
    collect(&mut h, &mut roots);
    let old = roots[0];
    assert!(!h.is_young(old.as_obj().unwrap()));
    let young = string(&mut h, "only the old list knows me");
    // The write barrier: taking the old list for writing remembers it.
    if let Object::List(items) = h.get_mut(old.as_obj().unwrap()) {
        items.push(young);
    }
    for _ in 0..5 {
        for _ in 0..100 {
            string(&mut h, "garbage");
        }
        collect(&mut h, &mut roots);
    }
    let kept = items(&h, roots[0])[0];
    assert_ne!(kept, young, "it moved");
    assert_eq!(text(&h, kept), "only the old list knows me");
}

#[test]
fn a_suspended_fiber_keeps_its_stack_alive() {
    let mut h = heap();
    let mut fiber = Fiber::new(Value::Nil);
    fiber.state = FiberState::Suspended;
    for i in 0..10 {
        let s = string(&mut h, &format!("slot {i}"));
        fiber.stack.push(s);
    }
    let f = Value::Obj(h.alloc(Object::Fiber(Box::new(fiber))));
    let mut roots = [f];
    for round in 0..50 {
        for _ in 0..40 {
            list(&mut h, vec![Value::Int(round)]);
        }
        if round % 10 == 9 {
            h.request_major();
        }
        collect(&mut h, &mut roots);
    }
    let Object::Fiber(fiber) = h.get(roots[0].as_obj().unwrap()) else {
        panic!("not a fiber");
    };
    let stack = fiber.stack.clone();
    for (i, v) in stack.into_iter().enumerate() {
        assert_eq!(text(&h, v), format!("slot {i}"));
    }
}

#[test]
fn a_handle_keeps_its_object_and_follows_it() {
    let mut h = heap();
    let mut handles = Handles::default();
    let s = string(&mut h, "held by the host");
    let handle = handles.add(s);
    for _ in 0..4 {
        for _ in 0..50 {
            string(&mut h, "garbage");
        }
        h.collect(&mut |t: &mut dyn Tracer| handles.trace(t));
    }
    let now = handles.get(handle).unwrap();
    assert_ne!(now, s, "it moved");
    assert_eq!(text(&h, now), "held by the host");
    handles.release(handle);
    assert!(handles.get(handle).is_none());
    h.request_major();
    h.collect(&mut |t: &mut dyn Tracer| handles.trace(t));
    assert_eq!(h.object_count(), 0);
}

#[test]
fn identity_hashes_and_identity_keys_survive_moves() {
    let mut h = heap();
    let key = list(&mut h, vec![]);
    let hash = h.identity_hash(key.as_obj().unwrap());
    let mut map = MapObj::default();
    map.push(MapKey::Obj(key.as_obj().unwrap()), key, Value::Int(7));
    let m = Value::Obj(h.alloc(Object::Map(Box::new(map))));
    let mut roots = [m, key];
    for _ in 0..3 {
        collect(&mut h, &mut roots);
    }
    let key = roots[1].as_obj().unwrap();
    assert_eq!(h.identity_hash(key), hash);
    let Object::Map(map) = h.get(roots[0].as_obj().unwrap()) else {
        panic!("not a map");
    };
    assert_eq!(
        map.entries.get(&MapKey::Obj(key)).map(|e| e.1),
        Some(Value::Int(7)),
        "the map was rehashed under the key's new name"
    );
}

#[test]
fn pinned_objects_stay_put_during_nested_collections() {
    let mut h = heap();
    let held = string(&mut h, "a native holds me in a local");
    let pin = h.pin();
    let mut roots = [list(&mut h, vec![])];
    for _ in 0..3 {
        string(&mut h, "garbage");
        collect(&mut h, &mut roots);
    }
    // Not a root, not moved, not freed.
    assert_eq!(text(&h, held), "a native holds me in a local");
    h.unpin(pin);
    collect(&mut h, &mut roots);
    assert!(h.object_count() <= 1);
}

#[test]
fn memory_is_reused_under_a_limit() {
    let mut h = Heap::new(HeapConfig {
        max_heap: Some(64 << 20),
        ..HeapConfig::default()
    });
    let mut roots = [Value::Nil];
    let chunk = "x".repeat(1 << 20);
    // A gigabyte in total, at most a few megabytes alive.
    for i in 0..1024 {
        let s = string(&mut h, &chunk);
        if i % 4 == 0 {
            roots[0] = s;
        }
        if h.should_collect() || i % 16 == 0 {
            assert_eq!(collect(&mut h, &mut roots), Outcome::Ok);
        }
    }
    assert!(h.stats.peak_heap_bytes < 64 << 20);
}

#[test]
fn an_allocation_bomb_reports_the_limit() {
    let mut h = Heap::new(HeapConfig {
        max_heap: Some(8 << 20),
        ..HeapConfig::default()
    });
    let mut roots = [list(&mut h, vec![])];
    let mut outcome = Outcome::Ok;
    for _ in 0..100 {
        let s = string(&mut h, &"y".repeat(256 << 10));
        if let Object::List(items) = h.get_mut(roots[0].as_obj().unwrap()) {
            items.push(s);
        }
        if h.should_collect() {
            outcome = collect(&mut h, &mut roots);
            if outcome == Outcome::OverLimit {
                break;
            }
        }
    }
    assert_eq!(outcome, Outcome::OverLimit);
    // Dropping the bomb frees it.
    roots[0] = Value::Nil;
    assert_eq!(major(&mut h, &mut roots), Outcome::Ok);
}

#[test]
fn an_allocation_past_the_limit_makes_a_collection_due_at_once() {
    // Young objects count against the limit as they are made, not only
    // when the eden fills: the next safepoint collects and, if the heap is
    // still over, raises.
    let mut h = Heap::new(HeapConfig {
        max_heap: Some(1 << 20),
        ..HeapConfig::default()
    });
    let mut roots = [list(&mut h, vec![])];
    collect(&mut h, &mut roots);
    let mut kept = Vec::new();
    while !h.should_collect() {
        kept.push(string(&mut h, &"z".repeat(1000)));
    }
    // Well before the eden (8 Ki objects) is full.
    assert!(kept.len() < 1100, "{}", kept.len());
    assert!(h.heap_bytes() <= (1 << 20) + 2000);
}

#[test]
fn a_heap_over_its_limit_gets_a_grace_then_raises_again() {
    let max = 1 << 20;
    let mut h = Heap::new(HeapConfig {
        max_heap: Some(max),
        ..HeapConfig::default()
    });
    let mut roots = [list(&mut h, vec![])];
    // Collections move the list: it is found through the root each time.
    let push = |h: &mut Heap, roots: &[Value]| {
        let s = string(h, &"k".repeat(1000));
        if let Object::List(items) = h.get_mut(roots[0].as_obj().unwrap()) {
            items.push(s);
        }
    };
    // Up to the limit: the first collection over it raises.
    while h.heap_bytes() <= max {
        push(&mut h, &roots);
    }
    assert_eq!(collect(&mut h, &mut roots), Outcome::OverLimit);
    // The handler has some room (the error, what it does)...
    assert!(!h.would_exceed(1000));
    push(&mut h, &roots);
    assert!(!h.should_collect() || collect(&mut h, &mut roots) == Outcome::Ok);
    // ... but not without end.
    while !h.would_exceed(0) {
        push(&mut h, &roots);
    }
    assert!(h.heap_bytes() < max + max / 8);
    assert_eq!(collect(&mut h, &mut roots), Outcome::OverLimit);
    assert!(h.would_exceed(1));
    // Dropping what it holds withdraws the grace.
    roots[0] = Value::Nil;
    assert_eq!(major(&mut h, &mut roots), Outcome::Ok);
    assert!(h.would_exceed(max + 1));
    assert!(!h.would_exceed(max / 2));
}

#[test]
fn measuring_garbage_frees_nothing_and_stops_counting_it() {
    let mut h = Heap::new(HeapConfig {
        eden: 64,
        survivor: 16,
        verify: true,
        max_heap: Some(256 << 10),
        ..HeapConfig::default()
    });
    // Old: a kept string and a dropped one (both large, so old at once).
    let big = "b".repeat(64 << 10);
    let kept = string(&mut h, &big);
    let dropped = string(&mut h, &big);
    assert!(!h.is_young(kept.as_obj().unwrap()));
    // Young, referred to only from a Rust local.
    let young = string(&mut h, "young and unrooted");
    let before = h.heap_bytes();
    assert!(h.would_exceed(128 << 10));
    let mut roots = [kept];
    h.measure_garbage(&mut |t: &mut dyn Tracer| roots.iter_mut().for_each(|v| t.value(v)));
    // Nothing freed or moved: what Rust locals name is all still there.
    assert_eq!(h.heap_bytes(), before);
    assert_eq!(text(&h, dropped), big);
    assert_eq!(text(&h, young), "young and unrooted");
    // But the dropped string no longer counts against the limit.
    assert!(!h.would_exceed(128 << 10));
    // The next collection at a safepoint is major, and frees it.
    assert!(h.should_collect());
    assert_eq!(collect(&mut h, &mut roots), Outcome::Ok);
    assert_eq!(text(&h, roots[0]), big);
    assert_eq!(h.object_count(), 1);
    assert!(h.heap_bytes() < before - (64 << 10));
    assert!(!h.would_exceed(128 << 10));
}

#[test]
fn bytes_format_for_people() {
    assert_eq!(format_bytes(64 << 20), "64 MiB");
    assert_eq!(format_bytes(3 << 29), "1.5 GiB");
    assert_eq!(format_bytes(100), "100 bytes");
}

#[test]
fn a_slot_stays_forty_bytes() {
    // The slot table's size is the heap's overhead per object.
    assert!(std::mem::size_of::<Option<Object>>() <= 40);
}

#[test]
fn a_pinned_object_written_in_a_nested_loop_keeps_what_it_was_given() {
    let mut h = heap();
    let held = list(&mut h, vec![]);
    let pin = h.pin();
    let fresh = string(&mut h, "stored into a pinned list");
    // The barrier remembers the pinned list.
    if let Object::List(items) = h.get_mut(held.as_obj().unwrap()) {
        items.push(fresh);
    }
    let mut roots: [Value; 0] = [];
    for _ in 0..3 {
        string(&mut h, "garbage");
        collect(&mut h, &mut roots);
    }
    let now = items(&h, held)[0];
    assert_ne!(now, fresh, "it moved");
    assert_eq!(text(&h, now), "stored into a pinned list");
    h.unpin(pin);
}

#[test]
fn objects_overflowing_the_eden_are_remembered_only_with_young_references() {
    let mut h = heap();
    let young = string(&mut h, "young");
    // Fill the eden so what follows is allocated old.
    let mut fillers = Vec::new();
    while h.top < h.nursery_end {
        fillers.push(string(&mut h, "filler"));
    }
    let plain = string(&mut h, "plain");
    let holder = list(&mut h, vec![young]);
    assert!(!h.is_young(plain.as_obj().unwrap()));
    assert!(!h.is_young(holder.as_obj().unwrap()));
    assert_eq!(h.remset, vec![holder.as_obj().unwrap().0]);
    // The young string is reachable only through the old list.
    let mut roots = [holder];
    collect(&mut h, &mut roots);
    let kept = items(&h, roots[0])[0];
    assert_eq!(text(&h, kept), "young");
}

#[test]
fn growing_the_slot_table_keeps_every_object() {
    let mut h = heap();
    // Far more old objects than the first chunk of the slot table holds.
    let mut roots: Vec<Value> = (0..200_000)
        .map(|i| string(&mut h, &i.to_string()))
        .collect();
    collect(&mut h, &mut roots);
    collect(&mut h, &mut roots);
    major(&mut h, &mut roots);
    for (i, v) in roots.iter().enumerate().step_by(997) {
        assert_eq!(text(&h, *v), i.to_string());
    }
    // Keep ten that went straight to the old generation's first slots (the
    // first 64 filled the eden and were promoted later, to the end).
    roots.drain(..64);
    roots.truncate(10);
    major(&mut h, &mut roots);
    assert_eq!(h.object_count(), 10);
    assert!(h.slots.len() < 70_000, "the table's free tail was kept");
}

#[test]
fn large_containers_are_remembered_by_card() {
    let mut h = heap();
    // An old list of 5,000 old strings, and an old map of as many entries.
    let mut roots: Vec<Value> = vec![list(&mut h, vec![]), Value::Nil];
    let strings: Vec<Value> = (0..5000).map(|i| string(&mut h, &i.to_string())).collect();
    let mut m = MapObj::default();
    for (i, s) in strings.iter().enumerate() {
        m.push(MapKey::Int(i as i64), Value::Int(i as i64), *s);
    }
    roots[1] = Value::Obj(h.alloc(Object::Map(Box::new(m))));
    if let Object::List(items) = h.get_mut(roots[0].as_obj().unwrap()) {
        items.extend(strings);
    }
    for _ in 0..3 {
        collect(&mut h, &mut roots);
    }
    let (l, m) = (roots[0].as_obj().unwrap(), roots[1].as_obj().unwrap());
    assert!(!h.is_young(l) && !h.is_young(m));
    assert!(h.remset.is_empty() && h.cards.is_empty());

    // Storing values that cannot move (Ints, old objects) into an entry
    // remembers nothing.
    let old = items(&h, roots[0])[0];
    if let Object::List(items) = h.get_mut_entry_storing(l, 10, &[Value::Int(1), old]) {
        items[10] = Value::Int(1);
        items[11] = old;
    }
    assert!(h.remset.is_empty() && h.cards.is_empty());

    // Young strings stored into one item of each: only that card is
    // remembered, and the strings survive through it alone.
    let a = string(&mut h, "in the list");
    let b = string(&mut h, "in the map");
    if let Object::List(items) = h.get_mut_entry_storing(l, 4321, &[a]) {
        items[4321] = a;
    }
    if let Object::Map(map) = h.get_mut_entry(m, 777) {
        map.entries.get_index_mut(777).unwrap().1 .1 = b;
    }
    assert!(h.remset.is_empty());
    assert_eq!(h.cards.len(), 2);
    assert_eq!(h.cards[&l.0], vec![1u64 << (4321 >> CARD_SHIFT)]);
    collect(&mut h, &mut roots);
    let a = items(&h, roots[0])[4321];
    assert_eq!(text(&h, a), "in the list");
    let b = match h.get(m) {
        Object::Map(map) => map.entries.get_index(777).unwrap().1 .1,
        _ => unreachable!(),
    };
    assert_eq!(text(&h, b), "in the map");
    // They stay young one more collection (tenure age 2): their cards stay
    // dirty; once promoted, nothing is remembered.
    assert!(h.is_young(a.as_obj().unwrap()));
    assert_eq!(h.cards.len(), 2);
    collect(&mut h, &mut roots);
    assert!(h.cards.is_empty() && h.remset.is_empty());
    let a = items(&h, roots[0])[4321];
    assert_eq!(text(&h, a), "in the list");

    // A write that is not to one entry remembers the whole list.
    let c = string(&mut h, "pushed");
    if let Object::List(items) = h.get_mut(l) {
        items.push(c);
    }
    assert_eq!(h.remset, vec![l.0]);
    collect(&mut h, &mut roots);
    assert_eq!(text(&h, *items(&h, roots[0]).last().unwrap()), "pushed");
}

#[test]
fn an_index_past_the_end_remembers_the_whole_container() {
    let mut h = heap();
    let mut roots: Vec<Value> = vec![list(&mut h, vec![Value::Int(0); 5000])];
    for _ in 0..3 {
        collect(&mut h, &mut roots);
    }
    let l = roots[0].as_obj().unwrap();
    assert!(!h.is_young(l));
    // `list[-1] = young` and `list[10 ** 15] = young` run the barrier
    // before the store fails: no card table sized by the index.
    let young = string(&mut h, "young");
    for at in [usize::MAX, 1 << 50, 5001] {
        h.get_mut_entry_storing(l, at, &[young]);
    }
    assert!(h.cards.is_empty());
    assert_eq!(h.remset, vec![l.0]);
    // The length itself is an entry: a push appends there.
    let mut roots2 = vec![list(&mut h, vec![Value::Int(0); 5000])];
    for _ in 0..3 {
        collect(&mut h, &mut roots2);
    }
    let l2 = roots2[0].as_obj().unwrap();
    let young = string(&mut h, "young again");
    h.get_mut_entry_storing(l2, 5000, &[young]);
    assert_eq!(h.cards.len(), 1);
}
