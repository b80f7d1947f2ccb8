// Package demodata creates the demo commune: Đảng bộ xã Bình Lư with its
// organisations, members, roles, documents and a few months of history.
// Each feature adds its own step to Steps, so the demo grows with the
// product and stays in one place.
package demodata

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"sotay/storage"
)

// Demo is the state the steps share: what was created so far.
type Demo struct {
	S   *storage.Storage
	Rnd *rand.Rand
	Now time.Time
	// RootCode is the commune committee's code.
	RootCode string
	// Cells are the codes of every cell (chi bộ), in tree order.
	Cells []string
	// Members are the codes of every member.
	Members []string
	// Admin, Officers and Secretaries name the demo personas by member code;
	// Secretaries maps a cell code to its secretary.
	Admin       string
	Officers    []string
	Secretaries map[string]string
}

// Step adds one part of the demo. Steps run in order in one transaction.
type Step struct {
	Name string
	Run  func(ctx context.Context, d *Demo) error
}

// Steps is the demo, in order. Features append their step here.
var Steps = []Step{}

// Generate creates the demo data on s. It is idempotent: a database that
// already holds the demo is left as it is (Generate reports false).
func Generate(ctx context.Context, s *storage.Storage, now time.Time) (bool, error) {
	if _, err := s.Organisation(ctx, RootCode); err == nil {
		return false, nil
	}
	d := &Demo{S: s, Rnd: rand.New(rand.NewPCG(2026, 11)), Now: now, RootCode: RootCode, Secretaries: map[string]string{}}
	err := s.WithTx(ctx, func(tx *storage.Storage) error {
		d.S = tx
		for _, st := range Steps {
			if err := st.Run(ctx, d); err != nil {
				return fmt.Errorf("demodata: %s: %w", st.Name, err)
			}
		}
		return nil
	})
	return err == nil, err
}

// RootCode is the code of the demo commune committee.
const RootCode = "BINHLU"
