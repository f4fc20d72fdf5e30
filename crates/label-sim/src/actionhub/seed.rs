//! The simulator's data. The vendor page has no sample payload, so these users are made up to
//! exercise what the gateway must get right: weight order, ties, empty users, ids that are not
//! path-safe, and a catalog long enough to need several pages.

use std::collections::BTreeMap;

use super::{
    ActionHubData, Program, Weighted, DEMO_PROGRAM_ID, OTHER_PROGRAM_ID, SAMPLE_USER, TIED_USER,
    UNLABELLED_USER,
};

/// Generated catalog labels on top of the ones users carry, so the catalog spans several pages.
const INTERESTS: usize = 55;

pub fn sample() -> ActionHubData {
    let mut programs = BTreeMap::new();
    programs.insert(DEMO_PROGRAM_ID.to_owned(), demo_program());
    programs.insert(
        OTHER_PROGRAM_ID.to_owned(),
        Program {
            users: BTreeMap::from([(
                SAMPLE_USER.to_owned(),
                weighted(&[("Other Program Label", 0.99)]),
            )]),
            catalog: weighted(&[("Other Program Label", 0.99)]),
        },
    );
    ActionHubData { programs }
}

fn demo_program() -> Program {
    // Stored out of weight order: the simulator, like the vendor, sorts before answering.
    let users: [(&str, &[(&str, f64)]); 11] = [
        (
            SAMPLE_USER,
            &[
                ("Coffee Lover", 0.55),
                ("Sports Fan", 0.92),
                ("Newsletter Reader", 0.12),
                ("Weekend Shopper", 0.81),
                ("Early Adopter", 0.31),
            ],
        ),
        // Zebra before Apple at the same weight: the gateway must break the tie by name.
        (
            TIED_USER,
            &[
                ("Zebra Print", 0.7),
                ("Vegan", 0.9),
                ("Apple Pay User", 0.7),
                ("Late Night Browser", 0.2),
            ],
        ),
        (UNLABELLED_USER, &[]),
        ("a/../b", &[("Path Traveller", 0.66), ("Coffee Lover", 0.1)]),
        ("x?y=1", &[("Query Curious", 0.61)]),
        ("%2F", &[("Percent Encoded", 0.58)]),
        ("...", &[("Ellipsis", 0.52)]),
        ("ü-user", &[("Umlaut", 0.47)]),
        // Where a wrongly encoded odd id would land: a test then sees the wrong user's label
        // instead of its own, not merely a 404.
        ("b", &[("Wrong User b", 0.99)]),
        ("x", &[("Wrong User x", 0.99)]),
        ("/", &[("Wrong User slash", 0.99)]),
    ];
    let mut program = Program::default();
    for (user, labels) in users {
        for &(label, weight) in labels {
            if !program.catalog.iter().any(|(known, _)| known == label) {
                program.catalog.push((label.to_owned(), weight));
            }
        }
        program.users.insert(user.to_owned(), weighted(labels));
    }
    for n in 1..=INTERESTS {
        let weight = (100 - n) as f64 / 200.0;
        program.catalog.push((format!("Interest {n:02}"), weight));
    }
    program
}

fn weighted(labels: &[(&str, f64)]) -> Weighted {
    labels.iter().map(|&(l, w)| (l.to_owned(), w)).collect()
}
