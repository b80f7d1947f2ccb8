package storage

// SweepItemsSQL is the sweep's query of day $1 and SweepSettings its
// transaction's settings, for the benchmark's plan.
var SweepItemsSQL = sweepItemsSQL

const SweepSettings = sweepSettings
