package storage

// SweepItemsSQL is the sweep's query of day $1, for the benchmark's plan.
var SweepItemsSQL = sweepItemsSQL
