//! Human order numbers: `RL-000123`.

/// The display number of the `sequence`th order (at least six digits, more when needed).
pub fn order_number(sequence: i64) -> String {
    format!("RL-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded_to_six_digits() {
        assert_eq!(order_number(123), "RL-000123");
        assert_eq!(order_number(1_234_567), "RL-1234567");
    }
}
