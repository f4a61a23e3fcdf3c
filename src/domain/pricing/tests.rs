//! Hand-computed examples of the pricing rules, one behaviour per test.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::*;

fn d(s: &str) -> Decimal {
    s.parse().expect("test decimal")
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, Decimal> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), d(v))).collect()
}

fn table() -> PriceTable {
    PriceTable {
        version: "2024-06-01".into(),
        currency: "EUR".into(),
        material_prices: map(&[
            ("aluminium", "2.00"),
            ("cobalt", "25"),
            ("copper", "8.50"),
            ("gold", "60000"),
            ("lithium", "10"),
            ("nickel", "15"),
            ("plastics", "0.30"),
            ("steel", "0.25"),
        ]),
        rules: PricingRules::default(),
    }
}

fn ctx() -> PricingContext {
    PricingContext {
        as_of_year: 2024,
        distance_outside_area_km: None,
    }
}

fn smartphone() -> CategoryFacts {
    CategoryFacts {
        code: "SMARTPHONE".into(),
        name: "Smartphone".into(),
        pricing_unit: PricingUnit::Piece,
        typical_weight_kg: d("0.2"),
        handling_cost: d("1.50"),
        materials: map(&[
            ("aluminium", "0.025"),
            ("copper", "0.015"),
            ("glass", "0.03"),
            ("gold", "0.00003"),
            ("plastics", "0.04"),
        ]),
        recovery_rates: BTreeMap::new(),
    }
}

fn iphone(assessment: Option<Assessment>) -> PricingItem {
    PricingItem {
        category: smartphone(),
        model: Some(ModelFacts {
            brand: "Apple".into(),
            model: "iPhone 13".into(),
            release_year: 2021,
            resale_value: d("800"),
        }),
        quantity: 1,
        weight_kg: None,
        assessment,
        battery: None,
    }
}

fn cracked_and_scratched() -> Assessment {
    Assessment::Answers(ConditionAnswers {
        powers_on: true,
        screen_cracked: true,
        body_damage: BodyDamage::Minor,
        battery_health_pct: Some(90),
        accessories_complete: true,
    })
}

fn small_appliance(weight: &str) -> PricingItem {
    PricingItem {
        category: CategoryFacts {
            code: "SMALL_APPLIANCE".into(),
            name: "Small appliance".into(),
            pricing_unit: PricingUnit::Kg,
            typical_weight_kg: d("3"),
            handling_cost: d("0.20"),
            materials: map(&[("copper", "0.05"), ("plastics", "0.35"), ("steel", "0.40")]),
            recovery_rates: BTreeMap::new(),
        },
        model: None,
        quantity: 1,
        weight_kg: Some(d(weight)),
        assessment: None,
        battery: None,
    }
}

fn crt_tv() -> PricingItem {
    PricingItem {
        category: CategoryFacts {
            code: "TV".into(),
            name: "CRT television".into(),
            pricing_unit: PricingUnit::Piece,
            typical_weight_kg: d("30"),
            handling_cost: d("25"),
            materials: map(&[
                ("copper", "1"),
                ("glass", "18"),
                ("plastics", "5"),
                ("steel", "3"),
            ]),
            recovery_rates: BTreeMap::new(),
        },
        model: None,
        quantity: 1,
        weight_kg: None,
        assessment: Some(Assessment::Condition(Condition::Broken)),
        battery: None,
    }
}

fn ev_pack(soh: u8) -> PricingItem {
    PricingItem {
        category: CategoryFacts {
            code: "EV_BATTERY_PACK".into(),
            name: "EV battery pack".into(),
            pricing_unit: PricingUnit::Kg,
            typical_weight_kg: d("400"),
            handling_cost: d("1.50"),
            materials: BTreeMap::new(),
            recovery_rates: BTreeMap::new(),
        },
        model: None,
        quantity: 1,
        weight_kg: Some(d("400")),
        assessment: None,
        battery: Some(BatteryFacts {
            chemistry: Chemistry::Nmc,
            state_of_health_pct: Some(soh),
            weight_kg: d("400"),
        }),
    }
}

fn parts(line: &PricedLine) -> Vec<(&str, Decimal)> {
    line.breakdown
        .iter()
        .map(|c| (c.label.as_str(), c.amount))
        .collect()
}

fn sum(components: &[PriceComponent]) -> Decimal {
    components.iter().map(|c| c.amount).sum()
}

#[test]
fn good_three_year_old_phone_is_resold_after_depreciation_and_grade() {
    let line = price_line(&iphone(None), &table(), &ctx()).expect("priced");
    // 800 × 0.85³ = 491.30; × 0.80 = 393.04.
    assert_eq!(line.method, PricingMethod::Reuse);
    assert_eq!(line.amount, d("393.04"));
    assert_eq!(
        parts(&line),
        vec![
            ("Resale value (Apple iPhone 13)", d("800.00")),
            ("Age depreciation (3 years)", d("-308.70")),
            ("Condition GOOD", d("-98.26")),
        ]
    );
    assert_eq!(line.description, "Apple iPhone 13");
    assert_eq!(line.total_weight_kg, d("0.2"));
    assert_eq!(line.amount.scale(), 2);
}

#[test]
fn answered_defects_are_deducted_one_component_each_with_rounding_adjustment() {
    let item = iphone(Some(cracked_and_scratched()));
    let line = price_line(&item, &table(), &ctx()).expect("priced");
    // grade 1 − 0.25 − 0.05 = 0.70; 491.30 × 0.70 = 343.91. The deductions are
    // 122.825 and 24.565, which banker's rounding shows as 122.82 and 24.56, a cent short.
    assert_eq!(line.amount, d("343.91"));
    assert_eq!(
        parts(&line),
        vec![
            ("Resale value (Apple iPhone 13)", d("800.00")),
            ("Age depreciation (3 years)", d("-308.70")),
            ("Deduction: screen cracked", d("-122.82")),
            ("Deduction: minor body damage", d("-24.56")),
            ("Rounding adjustment", d("-0.01")),
        ]
    );
}

#[test]
fn quantity_multiplies_each_component_before_rounding() {
    let mut item = iphone(Some(cracked_and_scratched()));
    item.quantity = 2;
    let line = price_line(&item, &table(), &ctx()).expect("priced");
    assert_eq!(line.amount, d("687.82"));
    assert_eq!(
        parts(&line),
        vec![
            ("Resale value (Apple iPhone 13) × 2", d("1600.00")),
            ("Age depreciation (3 years) × 2", d("-617.40")),
            ("Deduction: screen cracked × 2", d("-245.65")),
            ("Deduction: minor body damage × 2", d("-49.13")),
        ]
    );
    assert_eq!(line.total_weight_kg, d("0.4"));
}

#[test]
fn grade_follows_the_published_table_and_deductions() {
    let rules = PricingRules::default();
    let grades: Vec<_> = Condition::ALL
        .iter()
        .map(|c| rules.grade(&Assessment::Condition(*c)))
        .collect();
    assert_eq!(grades, ["1.00", "0.80", "0.60", "0.25", "0"].map(d));
    assert_eq!(rules.grade(&cracked_and_scratched()), d("0.70"));
    let everything_wrong = Assessment::Answers(ConditionAnswers {
        powers_on: false,
        screen_cracked: true,
        body_damage: BodyDamage::Major,
        battery_health_pct: Some(40),
        accessories_complete: false,
    });
    assert_eq!(rules.grade(&everything_wrong), Decimal::ZERO);
}

#[test]
fn depreciation_stops_at_the_floor_and_never_appreciates() {
    let mut item = iphone(Some(Assessment::Condition(Condition::LikeNew)));
    let mut old = ctx();
    old.as_of_year = 2041; // 20 years: 0.85^20 ≈ 0.039 < floor 0.10
    let line = price_line(&item, &table(), &old).expect("priced");
    assert_eq!(line.amount, d("80.00"));
    assert_eq!(line.breakdown[1].label, "Age depreciation (20 years)");

    item.model.as_mut().expect("model").release_year = 2030; // from the future: age 0
    let line = price_line(&item, &table(), &ctx()).expect("priced");
    assert_eq!(line.amount, d("800.00"));
    assert_eq!(line.breakdown[1].label, "Age depreciation (0 years)");
}

#[test]
fn scrap_device_goes_to_material_recovery() {
    let item = iphone(Some(Assessment::Condition(Condition::Scrap)));
    let line = price_line(&item, &table(), &ctx()).expect("priced");
    // 0.121125 + 0.045 + 1.746 + 0.0072 − 1.50 = 0.419325; the aluminium midpoint
    // 0.045 rounds to the even 0.04.
    assert_eq!(line.method, PricingMethod::MaterialRecovery);
    assert_eq!(line.amount, d("0.42"));
    assert_eq!(
        parts(&line),
        vec![
            ("Aluminium 0.025 kg × 2.00/kg × 90%", d("0.04")),
            ("Copper 0.015 kg × 8.50/kg × 95%", d("0.12")),
            ("Glass 0.03 kg (no current price)", d("0.00")),
            ("Gold 0.00003 kg × 60000/kg × 97%", d("1.75")),
            ("Plastics 0.04 kg × 0.30/kg × 60%", d("0.01")),
            ("Handling", d("-1.50")),
        ]
    );
}

#[test]
fn kg_category_is_priced_by_weight() {
    let line = price_line(&small_appliance("12.5"), &table(), &ctx()).expect("priced");
    // copper 0.625 kg → 5.046875, plastics 4.375 kg → 0.7875, steel 5 kg → 1.1875,
    // handling 12.5 × 0.20 = 2.50: 4.521875.
    assert_eq!(line.method, PricingMethod::MaterialRecovery);
    assert_eq!(line.amount, d("4.52"));
    assert_eq!(
        parts(&line),
        vec![
            ("Copper 0.625 kg × 8.50/kg × 95%", d("5.05")),
            ("Plastics 4.375 kg × 0.30/kg × 60%", d("0.79")),
            ("Steel 5 kg × 0.25/kg × 95%", d("1.19")),
            ("Handling", d("-2.50")),
            ("Rounding adjustment", d("-0.01")),
        ]
    );
    assert_eq!(line.total_weight_kg, d("12.5"));
    assert_eq!(line.description, "Small appliance");
}

#[test]
fn crt_tv_costs_a_disposal_fee_and_shows_unpriced_glass() {
    let line = price_line(&crt_tv(), &table(), &ctx()).expect("priced");
    // 8.075 + 0 + 0.90 + 0.7125 − 25 = −15.3125
    assert_eq!(line.method, PricingMethod::DisposalFee);
    assert_eq!(line.amount, d("-15.31"));
    assert_eq!(
        parts(&line),
        vec![
            ("Copper 1 kg × 8.50/kg × 95%", d("8.08")),
            ("Glass 18 kg (no current price)", d("0.00")),
            ("Plastics 5 kg × 0.30/kg × 60%", d("0.90")),
            ("Steel 3 kg × 0.25/kg × 95%", d("0.71")),
            ("Handling", d("-25.00")),
        ]
    );
    assert_eq!(line.total_weight_kg, d("30"));
}

#[test]
fn healthy_nmc_pack_gets_a_second_life() {
    let line = price_line(&ev_pack(85), &table(), &ctx()).expect("priced");
    // 400 kg × 18/kg = 7200; × 85% = 6120.
    assert_eq!(line.method, PricingMethod::Reuse);
    assert_eq!(line.amount, d("6120.00"));
    assert_eq!(
        parts(&line),
        vec![
            ("Second-life value (NMC, 400 kg × 18/kg)", d("7200.00")),
            ("State of health 85%", d("-1080.00")),
        ]
    );
    assert_eq!(line.description, "EV battery pack (NMC, 400 kg)");
}

#[test]
fn worn_nmc_pack_is_recycled_by_its_chemistry() {
    let line = price_line(&ev_pack(50), &table(), &ctx()).expect("priced");
    // 108 + 225 + 258.4 + 64 + 648 + 3.6 + 9.5 − 400 × 1.50 = 716.50
    assert_eq!(line.method, PricingMethod::MaterialRecovery);
    assert_eq!(line.amount, d("716.50"));
    assert_eq!(
        parts(&line),
        vec![
            ("Aluminium 60 kg × 2.00/kg × 90%", d("108.00")),
            ("Cobalt 10 kg × 25/kg × 90%", d("225.00")),
            ("Copper 32 kg × 8.50/kg × 95%", d("258.40")),
            ("Lithium 8 kg × 10/kg × 80%", d("64.00")),
            ("Nickel 48 kg × 15/kg × 90%", d("648.00")),
            ("Plastics 20 kg × 0.30/kg × 60%", d("3.60")),
            ("Steel 40 kg × 0.25/kg × 95%", d("9.50")),
            ("Handling", d("-600.00")),
        ]
    );
}

#[test]
fn material_without_price_contributes_zero_but_is_listed() {
    let mut t = table();
    t.material_prices.remove("copper");
    let line = price_line(&small_appliance("12.5"), &t, &ctx()).expect("priced");
    assert_eq!(
        line.breakdown[0].label,
        "Copper 0.625 kg (no current price)"
    );
    assert_eq!(line.breakdown[0].amount, Decimal::ZERO);
    // 0.7875 + 1.1875 − 2.50 = −0.525 → banker's −0.52
    assert_eq!(line.amount, d("-0.52"));
    assert_eq!(line.method, PricingMethod::DisposalFee);
    assert_eq!(sum(&line.breakdown), line.amount);
}

#[test]
fn a_categorys_own_recovery_rate_overrides_the_published_one() {
    let published = price_line(&crt_tv(), &table(), &ctx()).expect("priced");
    let mut better = crt_tv();
    better.category.recovery_rates = map(&[("copper", "1")]);
    let overridden = price_line(&better, &table(), &ctx()).expect("priced");
    assert!(overridden.amount > published.amount);
    assert!(
        overridden
            .breakdown
            .iter()
            .any(|c| c.label.starts_with("Copper") && c.label.ends_with("× 100%")),
        "{:?}",
        overridden.breakdown
    );
}

#[path = "quote_tests.rs"]
mod quote_tests;
