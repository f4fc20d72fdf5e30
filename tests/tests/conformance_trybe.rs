//! The shared provider conformance suite, through the gateway, against the trybe simulator.

label_gateway_tests::conformance_tests!(label_gateway_tests::subjects::trybe);
