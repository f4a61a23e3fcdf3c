//! Properties that must hold for any input, including absurd ones near `Decimal`'s
//! limits: no panic, honest signs, breakdowns that add up, monotone grades.

use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

const MATERIALS: [&str; 9] = [
    "aluminium",
    "cobalt",
    "copper",
    "glass",
    "gold",
    "lithium",
    "plastics",
    "steel",
    "unobtainium",
];

/// Mostly everyday amounts, with zeros and huge values near the limits.
fn decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        2 => Just(Decimal::ZERO),
        8 => (0_i64..10_000_000, 0_u32..=6).prop_map(|(m, s)| Decimal::new(m, s)),
        2 => (any::<u32>(), any::<u32>(), any::<u32>(), 0_u32..=28)
            .prop_map(|(lo, mid, hi, s)| Decimal::from_parts(lo, mid, hi, false, s)),
        1 => Just(Decimal::MAX),
    ]
}

/// Like [`decimal`], now and then negative, which pricing must reject.
fn signed_decimal() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        12 => decimal(),
        1 => (1_i64..1000, 0_u32..=2).prop_map(|(m, s)| -Decimal::new(m, s)),
    ]
}

fn material_map() -> impl Strategy<Value = BTreeMap<String, Decimal>> {
    prop::collection::btree_map(prop::sample::select(&MATERIALS[..]), decimal(), 0..6)
        .prop_map(|m| m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn category() -> impl Strategy<Value = CategoryFacts> {
    (
        prop_oneof![Just(PricingUnit::Piece), Just(PricingUnit::Kg)],
        signed_decimal(),
        decimal(),
        material_map(),
    )
        .prop_map(
            |(pricing_unit, typical_weight_kg, handling_cost, materials)| CategoryFacts {
                code: "CATEGORY".into(),
                name: "Category".into(),
                pricing_unit,
                typical_weight_kg,
                handling_cost,
                materials,
                recovery_rates: BTreeMap::new(),
            },
        )
}

fn model() -> impl Strategy<Value = ModelFacts> {
    (
        prop_oneof![4 => 1990_i32..2030, 1 => any::<i32>()],
        signed_decimal(),
    )
        .prop_map(|(release_year, resale_value)| ModelFacts {
            brand: "Brand".into(),
            model: "Model".into(),
            release_year,
            resale_value,
        })
}

fn condition() -> impl Strategy<Value = Condition> {
    prop::sample::select(&Condition::ALL[..])
}

fn answers() -> impl Strategy<Value = ConditionAnswers> {
    (
        any::<bool>(),
        any::<bool>(),
        prop_oneof![
            Just(BodyDamage::None),
            Just(BodyDamage::Minor),
            Just(BodyDamage::Major)
        ],
        prop::option::of(0_u8..=110),
        any::<bool>(),
    )
        .prop_map(
            |(powers_on, screen_cracked, body_damage, battery_health_pct, accessories_complete)| {
                ConditionAnswers {
                    powers_on,
                    screen_cracked,
                    body_damage,
                    battery_health_pct,
                    accessories_complete,
                }
            },
        )
}

fn assessment() -> impl Strategy<Value = Assessment> {
    prop_oneof![
        condition().prop_map(Assessment::Condition),
        answers().prop_map(Assessment::Answers),
    ]
}

fn battery() -> impl Strategy<Value = BatteryFacts> {
    (
        prop::sample::select(
            &[
                Chemistry::Nmc,
                Chemistry::Nca,
                Chemistry::Lfp,
                Chemistry::LeadAcid,
                Chemistry::Nimh,
                Chemistry::Licoo2,
            ][..],
        ),
        prop::option::of(0_u8..=110),
        signed_decimal(),
    )
        .prop_map(|(chemistry, state_of_health_pct, weight_kg)| BatteryFacts {
            chemistry,
            state_of_health_pct,
            weight_kg,
        })
}

fn item() -> impl Strategy<Value = PricingItem> {
    (
        category(),
        prop::option::of(model()),
        prop_oneof![16 => 1_u32..1000, 2 => Just(u32::MAX), 1 => Just(0)],
        prop::option::weighted(0.9, signed_decimal()),
        prop::option::of(assessment()),
        prop::option::weighted(0.3, battery()),
        prop::bool::weighted(0.9),
    )
        .prop_map(
            |(category, model, quantity, weight_kg, assessment, battery, weight_matches)| {
                // Mostly keep the battery weight consistent, as the service does.
                let weight_kg = match (&battery, weight_matches) {
                    (Some(b), true) => Some(b.weight_kg),
                    _ => weight_kg,
                };
                PricingItem {
                    category,
                    model,
                    quantity,
                    weight_kg,
                    assessment,
                    battery,
                }
            },
        )
}

fn table() -> impl Strategy<Value = PriceTable> {
    (material_map(), decimal(), decimal(), any::<bool>()).prop_map(
        |(material_prices, per_kg, per_km, perturb)| {
            let mut rules = PricingRules::default();
            if perturb {
                rules.logistics.per_kg = per_kg;
                rules.logistics.per_km_outside_area = per_km;
            }
            PriceTable {
                version: "v".into(),
                currency: "EUR".into(),
                material_prices,
                rules,
            }
        },
    )
}

fn context() -> impl Strategy<Value = PricingContext> {
    (
        prop_oneof![4 => 2000_i32..2040, 1 => any::<i32>()],
        prop::option::of(signed_decimal()),
    )
        .prop_map(|(as_of_year, distance_outside_area_km)| PricingContext {
            as_of_year,
            distance_outside_area_km,
        })
}

/// An amount as whole cents, checking it has at most 2 decimal places.
fn cents(amount: Decimal) -> i128 {
    assert!(
        amount.scale() <= 2,
        "{amount} has more than 2 decimal places"
    );
    amount.mantissa() * 10_i128.pow(2 - amount.scale())
}

/// Checks properties 2, 3 and 6 of one line.
fn check_line(line: &PricedLine) {
    match line.method {
        PricingMethod::DisposalFee => assert!(line.amount < Decimal::ZERO, "{line:?}"),
        _ => assert!(line.amount >= Decimal::ZERO, "{line:?}"),
    }
    let shown: i128 = line.breakdown.iter().map(|c| cents(c.amount)).sum();
    assert_eq!(shown, cents(line.amount), "{line:?}");
}

/// One more defect than `a` has, chosen by `which`; `None` when it cannot get worse there.
fn worsen(a: &ConditionAnswers, which: u8) -> Option<ConditionAnswers> {
    let mut worse = a.clone();
    match which % 5 {
        0 if a.powers_on => worse.powers_on = false,
        1 if !a.screen_cracked => worse.screen_cracked = true,
        2 if a.body_damage != BodyDamage::Major => {
            worse.body_damage = match a.body_damage {
                BodyDamage::None => BodyDamage::Minor,
                _ => BodyDamage::Major,
            }
        }
        3 if a.battery_health_pct.is_none_or(|p| p >= 80) => worse.battery_health_pct = Some(50),
        4 if a.accessories_complete => worse.accessories_complete = false,
        _ => return None,
    }
    Some(worse)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_line_prices_or_errs_with_honest_sign_and_exact_breakdown(
        item in item(), table in table(), ctx in context(),
    ) {
        if let Ok(line) = price_line(&item, &table, &ctx) {
            check_line(&line);
            prop_assert_eq!(line.quantity, item.quantity);
        }
    }

    #[test]
    fn worse_condition_never_pays_more(
        item in item(), table in table(), ctx in context(),
    ) {
        let amounts: Vec<_> = Condition::ALL
            .iter()
            .map(|c| {
                let mut graded = item.clone();
                graded.assessment = Some(Assessment::Condition(*c));
                price_line(&graded, &table, &ctx).ok().map(|l| l.amount)
            })
            .collect();
        for (i, better) in amounts.iter().enumerate() {
            for worse in &amounts[i + 1..] {
                if let (Some(b), Some(w)) = (better, worse) {
                    prop_assert!(w <= b, "{:?}", amounts);
                }
            }
        }
    }

    #[test]
    fn another_defect_never_pays_more(
        item in item(), answers in answers(), which in any::<u8>(),
        table in table(), ctx in context(),
    ) {
        if let Some(worse) = worsen(&answers, which) {
            let mut before = item.clone();
            before.assessment = Some(Assessment::Answers(answers));
            let mut after = item;
            after.assessment = Some(Assessment::Answers(worse));
            if let (Ok(b), Ok(a)) = (
                price_line(&before, &table, &ctx),
                price_line(&after, &table, &ctx),
            ) {
                prop_assert!(a.amount <= b.amount, "{:?} then {:?}", b, a);
            }
        }
    }

    #[test]
    fn quote_total_is_lines_minus_logistics(
        items in prop::collection::vec(item(), 0..5), table in table(), ctx in context(),
    ) {
        if let Ok(quote) = price_quote(&items, &table, &ctx) {
            prop_assert_eq!(quote.lines.len(), items.len());
            quote.lines.iter().for_each(check_line);
            let lines: i128 = quote.lines.iter().map(|l| cents(l.amount)).sum();
            prop_assert_eq!(cents(quote.total), lines - cents(quote.logistics_fee));
            let shown: i128 = quote.logistics_breakdown.iter().map(|c| cents(c.amount)).sum();
            prop_assert_eq!(shown, cents(quote.logistics_fee));
            prop_assert!(quote.logistics_fee >= Decimal::ZERO);
        }
    }

    #[test]
    fn table_and_item_survive_a_json_round_trip(item in item(), table in table()) {
        let json = serde_json::to_string(&table).expect("serialise table");
        prop_assert_eq!(serde_json::from_str::<PriceTable>(&json).expect("parse table"), table);
        let json = serde_json::to_string(&item).expect("serialise item");
        prop_assert_eq!(serde_json::from_str::<PricingItem>(&json).expect("parse item"), item);
    }
}
