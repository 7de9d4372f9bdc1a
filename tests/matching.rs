//! Matching resource-list items to open demands (`analytics::matching`, for #28) against
//! networkx's min-cost maximum flow on 200 seeded random cases
//! (`scripts/reference/matching.py`): the same households served at the same least cost,
//! and an assignment that respects every capacity and only uses allowed pairs.

#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

mod common;

use std::collections::HashMap;

use gridwatch::analytics::matching::{Need, Offer, assign};

#[test]
fn every_case_serves_what_networkx_serves_at_its_cost() {
    let reference = common::fixture("matching_reference.json");
    let cases = reference["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 200);
    for (k, c) in cases.iter().enumerate() {
        let numbers = |key: &str| -> Vec<u64> {
            c[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect()
        };
        let offers: Vec<Offer> = numbers("offers")
            .into_iter()
            .map(|capacity| Offer { capacity })
            .collect();
        let needs: Vec<Need> = numbers("needs")
            .into_iter()
            .map(|households| Need { households })
            .collect();
        let pairs: HashMap<(usize, usize), u64> = c["pairs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let p: Vec<u64> = p
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_u64().unwrap())
                    .collect();
                ((p[0] as usize, p[1] as usize), p[2])
            })
            .collect();
        let a = assign(&offers, &needs, |i, j| pairs.get(&(i, j)).copied());
        assert_eq!(
            (a.households, a.cost),
            (
                c["households"].as_u64().unwrap(),
                c["cost"].as_u64().unwrap()
            ),
            "case {k}"
        );
        let mut used = vec![0; offers.len()];
        let mut got = vec![0; needs.len()];
        for s in &a.served {
            assert_eq!(
                pairs.get(&(s.offer, s.need)),
                Some(&s.cost),
                "case {k}: an allowed pair"
            );
            used[s.offer] += s.households;
            got[s.need] += s.households;
        }
        for (i, o) in offers.iter().enumerate() {
            assert!(used[i] <= o.capacity, "case {k}: offer {i} over capacity");
        }
        for (j, n) in needs.iter().enumerate() {
            assert!(got[j] <= n.households, "case {k}: need {j} over-served");
        }
    }
}
