package bot

// ProtectMetrics is protectMetrics, for tests with a client address no
// test machine has.
var ProtectMetrics = protectMetrics
