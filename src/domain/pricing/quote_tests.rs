//! Quote-level pricing (logistics, totals), validation, overflow and names.

use super::*;

#[test]
fn quote_subtracts_logistics_by_weight() {
    let items = [iphone(None), small_appliance("12.5")];
    let quote = price_quote(&items, &table(), &ctx()).expect("priced");
    // 5.00 + 12.7 kg × 0.10 = 6.27
    assert_eq!(quote.logistics_fee, d("6.27"));
    assert_eq!(
        quote
            .logistics_breakdown
            .iter()
            .map(|c| (c.label.as_str(), c.amount))
            .collect::<Vec<_>>(),
        vec![
            ("Base fee", d("5.00")),
            ("Weight 12.7 kg × 0.10/kg", d("1.27"))
        ]
    );
    assert_eq!(quote.total, d("393.04") + d("4.52") - d("6.27"));
}

#[test]
fn quote_charges_distance_outside_the_area() {
    let mut far = ctx();
    far.distance_outside_area_km = Some(d("7.5"));
    let quote = price_quote(&[crt_tv()], &table(), &far).expect("priced");
    // 5.00 + 30 × 0.10 + 7.5 × 2.00 = 23.00
    assert_eq!(quote.logistics_fee, d("23.00"));
    assert_eq!(
        quote.logistics_breakdown[2].label,
        "Distance outside area 7.5 km × 2.00/km"
    );
    assert_eq!(quote.total, d("-38.31"));
}

#[test]
fn invalid_items_are_rejected_not_priced() {
    let invalid = |item: PricingItem| {
        matches!(
            price_line(&item, &table(), &ctx()),
            Err(PricingError::Invalid(_))
        )
    };
    let mut zero = iphone(None);
    zero.quantity = 0;
    assert!(invalid(zero));
    let mut no_weight = small_appliance("1");
    no_weight.weight_kg = None;
    assert!(invalid(no_weight));
    let mut pack_without_weight = ev_pack(80);
    pack_without_weight.weight_kg = None;
    assert!(invalid(pack_without_weight));
    assert!(invalid(small_appliance("-1")));
    assert!(invalid(ev_pack(101)));
    let mut negative_resale = iphone(None);
    negative_resale.model.as_mut().expect("model").resale_value = d("-1");
    assert!(invalid(negative_resale));

    let mut t = table();
    t.material_prices.insert("copper".into(), d("-8.50"));
    assert!(matches!(
        price_line(&iphone(None), &t, &ctx()),
        Err(PricingError::Invalid(_))
    ));
    assert!(matches!(
        price_quote(&[], &table(), &ctx()),
        Err(PricingError::Invalid(_))
    ));
}

#[test]
fn absurd_amounts_overflow_instead_of_panicking() {
    let mut item = iphone(None);
    item.model.as_mut().expect("model").resale_value = Decimal::MAX;
    item.quantity = u32::MAX;
    assert_eq!(
        price_line(&item, &table(), &ctx()),
        Err(PricingError::Overflow)
    );
}

#[test]
fn enums_use_published_names() {
    let json = serde_json::to_string(&[Chemistry::LeadAcid, Chemistry::Licoo2, Chemistry::Nimh])
        .expect("serialise");
    assert_eq!(json, r#"["LEAD_ACID","LICOO2","NIMH"]"#);
    let json = serde_json::to_string(&PricingMethod::DisposalFee).expect("serialise");
    assert_eq!(json, r#""DISPOSAL_FEE""#);
    assert!(Condition::LikeNew < Condition::Scrap);
}
