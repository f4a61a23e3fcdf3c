//! The state machine against a reference model written as a plain table (DESIGN §4),
//! over random sequences of transitions and actors.

use proptest::prelude::*;

use super::*;

/// DESIGN §4 as data: (from, transition, to).
const REFERENCE: &[(OrderStatus, Transition, OrderStatus)] = {
    use OrderStatus::*;
    use Transition::*;
    &[
        (Requested, StartDispatch, Dispatching),
        (Dispatching, Assign, Assigned),
        (Assigned, StartTrip, EnRoute),
        (EnRoute, Arrive, Arrived),
        (Arrived, InspectWithinTolerance, Inspected),
        (Inspected, AskCustomer, AwaitingCustomer),
        (AwaitingCustomer, AcceptFinalOffer, Inspected),
        (AwaitingCustomer, RejectFinalOffer, Cancelled),
        (Inspected, Complete, Completed),
        (Arrived, Fail, Failed),
        (Requested, Cancel, Cancelled),
        (Dispatching, Cancel, Cancelled),
        (Assigned, Cancel, Cancelled),
        (EnRoute, Cancel, Cancelled),
        (Dispatching, GiveUp, Unfulfilled),
        (Assigned, Redispatch, Dispatching),
        (EnRoute, Redispatch, Dispatching),
        (Inspected, Abandon, Cancelled),
        (AwaitingCustomer, Abandon, Cancelled),
    ]
};

fn reference(from: OrderStatus, transition: Transition) -> Option<OrderStatus> {
    REFERENCE
        .iter()
        .find(|(f, t, _)| *f == from && *t == transition)
        .map(|(_, _, to)| *to)
}

const ACTORS: [Actor; 5] = [
    Actor::Customer,
    Actor::Partner,
    Actor::Collector,
    Actor::Operator,
    Actor::System,
];

fn transition() -> impl Strategy<Value = Transition> {
    (0..Transition::ALL.len()).prop_map(|i| Transition::ALL[i])
}

fn actor() -> impl Strategy<Value = Actor> {
    (0..ACTORS.len()).prop_map(|i| ACTORS[i])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_machine_matches_the_reference_model(steps in prop::collection::vec((transition(), actor()), 0..40)) {
        let mut state = OrderStatus::Requested;
        for (transition, actor) in steps {
            let expected = reference(state, transition);
            match state.apply(transition, actor) {
                Ok(next) => {
                    prop_assert_eq!(Some(next), expected);
                    prop_assert!(transition.allowed_actors().contains(&actor));
                    prop_assert!(!state.is_terminal());
                    state = next;
                }
                Err(TransitionError::NotAllowed { .. }) => prop_assert!(!transition.allowed_actors().contains(&actor)),
                Err(TransitionError::InvalidState { from, .. }) => {
                    prop_assert_eq!(from, state);
                    prop_assert_eq!(expected, None);
                }
            }
        }
    }
}

#[test]
fn terminal_states_have_no_way_out_and_cancel_stops_at_arrival() {
    for state in OrderStatus::ALL {
        let exits = Transition::ALL
            .iter()
            .filter(|t| t.target(*state).is_some())
            .count();
        assert_eq!(state.is_terminal(), exits == 0, "{state}");
    }
    assert!(OrderStatus::EnRoute.cancellable());
    assert!(!OrderStatus::Arrived.cancellable());
    assert!(OrderStatus::Assigned.reschedulable());
    assert!(!OrderStatus::EnRoute.reschedulable());
}
