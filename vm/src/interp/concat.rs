//! Interpolation's fast path: Strings and Ints joined into one text on
//! the machine stack, then allocated once at its length. Its own module
//! for its one `unsafe` conversion (the joined bytes are known to be
//! UTF-8, and checking them again cost a sixth of a short interpolation).

use super::Vm;
use crate::object::StrObj;
use crate::runtime::format;
use crate::value::Value;

/// The longest interpolation built without consulting the heap limit
/// (shorter than the limit's own slack for small texts).
const PLAIN_TEXT: usize = 256;

impl Vm {
    /// Interpolation of Strings and Ints only, the common case, into a
    /// text allocated once at its exact length: `None` for any other part
    /// or a text too long to skip the heap-limit check (the general path
    /// then builds it).
    pub(crate) fn concat_plain(&self, parts: &[Value]) -> Option<StrObj> {
        // One pass, into a buffer on the machine stack: each part's object
        // is looked up once, and the text is allocated once at its length.
        let mut buf = [0u8; PLAIN_TEXT];
        let (mut len, mut chars, mut ascii) = (0usize, 0usize, true);
        let mut digits = [0u8; 20];
        for part in parts {
            let bytes = match *part {
                Value::Int(i) => {
                    let d = format::int_bytes(i, &mut digits);
                    chars += d.len();
                    d
                }
                Value::Obj(r) => {
                    let s = self.str_ref(r)?;
                    chars += s.chars;
                    ascii &= s.ascii;
                    s.text.as_bytes()
                }
                _ => return None,
            };
            buf.get_mut(len..len + bytes.len())?.copy_from_slice(bytes);
            len += bytes.len();
        }
        // SAFETY: `buf[..len]` is whole Strings' texts (each a `str`) and
        // ASCII digits and signs, one after another: valid UTF-8. (Checking
        // it again was a sixth of the cost of a short interpolation.)
        let text = unsafe { std::str::from_utf8_unchecked(&buf[..len]) };
        Some(StrObj {
            text: text.into(),
            ascii,
            chars,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::interp::Vm;
    use crate::value::Value;

    #[test]
    fn joins_strings_and_ints_and_counts_characters() {
        let mut vm = Vm::new();
        let a = vm.str_value("é=".to_string());
        let b = vm.str_value("x".to_string());
        let parts = [a, Value::Int(-42), b, Value::Int(0), Value::Int(i64::MIN)];
        let s = vm.concat_plain(&parts).expect("plain parts");
        assert_eq!(&*s.text, "é=-42x0-9223372036854775808");
        assert_eq!(s.chars, s.text.chars().count());
        assert!(!s.ascii);
        let s = vm.concat_plain(&[b, Value::Int(7)]).expect("plain parts");
        assert!(s.ascii);
        assert_eq!((&*s.text, s.chars), ("x7", 2));
    }

    #[test]
    fn leaves_other_parts_and_long_texts_to_the_general_path() {
        let mut vm = Vm::new();
        let long = vm.str_value("y".repeat(200));
        assert!(vm.concat_plain(&[Value::Nil]).is_none());
        assert!(vm.concat_plain(&[Value::Float(1.5)]).is_none());
        assert!(vm.concat_plain(&[long]).is_some());
        assert!(vm.concat_plain(&[long, long]).is_none());
        assert_eq!(vm.concat_plain(&[]).map(|s| s.chars), Some(0));
    }
}
