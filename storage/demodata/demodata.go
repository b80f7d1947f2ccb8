// Package demodata creates the demo commune: Đảng bộ xã Bình Lư with its
// organisations, members, roles, documents and a few months of history.
// Each feature adds its own step to Steps, so the demo grows with the
// product and stays in one place.
package demodata

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"time"

	"sotay/storage"
)

// Demo is the state the steps share: what was created so far.
type Demo struct {
	S *storage.Storage
	// Rnd is seeded per step, so a step makes the same data whatever the
	// steps before it drew.
	Rnd *rand.Rand
	Now time.Time
	// Since is when the demo's records begin: the organisations and members
	// exist from then on, and history (campaigns, meetings...) fits between
	// Since and Now.
	Since time.Time
	// RootCode is the commune committee's code.
	RootCode string
	// Cells are the codes of every cell (chi bộ), in tree order.
	Cells []string
	// Members are the codes of every member.
	Members []string
	// Admin, Officers and Secretaries name the demo personas by member code;
	// Secretaries maps an organisation code (each cell and each base
	// committee) to its secretary.
	Admin       string
	Officers    []string
	Secretaries map[string]string

	people []person // the generated roster, for the roles step
	clock  time.Time
}

// SetClock sets the time the storage records as "now" (created_at,
// granted_at...) for what the step writes next, to date history in the
// past. Each step starts with the clock at Now.
func (d *Demo) SetClock(t time.Time) { d.clock = t }

// Step adds one part of the demo. Steps run in order in one transaction.
type Step struct {
	Name string
	Run  func(ctx context.Context, d *Demo) error
}

// Steps is the demo, in order. Features append their step here, after the
// steps whose data they use.
var Steps = []Step{
	{Name: "organisations", Run: atSince(createOrgs)},
	{Name: "members", Run: atSince(createMembers)},
	{Name: "roles", Run: atSince(grantRoles)},
	{Name: "documents", Run: atSince(createDocuments)},
	{Name: "voice", Run: atSince(addVoiceSummary)},
	{Name: "campaigns", Run: createCampaigns},
	{Name: "study", Run: createStudy},
	{Name: "reports", Run: createReports},
	{Name: "rules", Run: createRules},
}

// atSince runs a step with the clock at d.Since, the first day of the demo.
func atSince(run func(ctx context.Context, d *Demo) error) func(ctx context.Context, d *Demo) error {
	return func(ctx context.Context, d *Demo) error {
		d.SetClock(d.Since)
		return run(ctx, d)
	}
}

// RootCode is the code of the demo commune committee.
const RootCode = "BINHLU"

// Actor is who the audit log says made the demo.
const Actor = "demo"

// DatabaseName is the only database the demo uses and the only one Reset
// drops.
const DatabaseName = "sotay_demo"

// databaseName is DatabaseName, or for tests a name given in
// SOTAY_DEMO_DATABASE that starts with "sotay_demo_", so that a test run
// never disturbs the demo someone is using.
func databaseName() string {
	if n := os.Getenv("SOTAY_DEMO_DATABASE"); strings.HasPrefix(n, DatabaseName+"_") && isIdent(n) {
		return n
	}
	return DatabaseName
}

func isIdent(s string) bool {
	for _, r := range s {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// ErrRunning is returned by Lock when another demo uses the database.
var ErrRunning = errors.New("demodata: another demo is running on this database")

// Lock makes sure one demo at a time uses the demo database: two would
// take each other's updates and links. It holds a PostgreSQL advisory lock
// (in the server's maintenance database, so that Reset can drop the demo
// database meanwhile) until release is called or the process ends.
func Lock(ctx context.Context, databaseURL string) (release func(), err error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/postgres"
	db, err := sql.Open("postgres", u.String())
	if err != nil {
		return nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock(hashtext('sotay demo ' || $1))`, databaseName()).Scan(&ok); err != nil {
		conn.Close()
		db.Close()
		return nil, err
	}
	if !ok {
		conn.Close()
		db.Close()
		return nil, ErrRunning
	}
	return func() { conn.Close(); db.Close() }, nil
}

// ErrStale is returned by Generate for a database holding a demo made by an
// older sotay, with fewer steps: start it over with Reset.
var ErrStale = errors.New("demodata: the demo database was made by an older sotay")

// markerKey names the bot_state row that records which steps made the demo.
const markerKey = "demodata"

// fingerprint names the demo this binary makes: its steps, and a version
// raised when a step makes different data (v2: a year of meetings, and a
// real PDF for 21-KL/TW).
func fingerprint() string {
	names := make([]string, len(Steps))
	for i, st := range Steps {
		names[i] = st.Name
	}
	return "v2:" + strings.Join(names, ",")
}

// Generate creates the demo data on s. It is idempotent: a database that
// already holds this demo is left as it is (Generate reports false); one
// holding an older demo is left too, with ErrStale.
func Generate(ctx context.Context, s *storage.Storage, now time.Time) (bool, error) {
	_, err := s.Organisation(ctx, RootCode)
	switch {
	case err == nil:
		var mark string
		err := s.DB().GetContext(ctx, &mark, `SELECT value FROM bot_state WHERE key = $1`, markerKey)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && mark != fingerprint()) {
			return false, ErrStale
		}
		if err != nil {
			return false, fmt.Errorf("demodata: marker: %w", err)
		}
		return false, nil
	case !errors.Is(err, storage.ErrNotFound):
		return false, fmt.Errorf("demodata: %w", err)
	}
	d := &Demo{
		Now: now, RootCode: RootCode, Secretaries: map[string]string{},
		Since: time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location()).AddDate(-1, 0, 0),
	}
	// The storage reads its clock from the demo, so steps can date what
	// they write.
	dated := storage.New(s.DB(), storage.WithClock(func() time.Time { return d.clock }))
	err = dated.WithTx(ctx, func(tx *storage.Storage) error {
		d.S = tx
		for _, st := range Steps {
			h := fnv.New64a()
			h.Write([]byte(st.Name))
			d.Rnd = rand.New(rand.NewPCG(2026, h.Sum64()))
			d.clock = now
			if err := st.Run(ctx, d); err != nil {
				return fmt.Errorf("demodata: %s: %w", st.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	// Written after the commit: a crash in between leaves a demo without a
	// marker, which the next run sees as stale and makes again.
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO bot_state (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, markerKey, fingerprint()); err != nil {
		return true, fmt.Errorf("demodata: marker: %w", err)
	}
	return true, nil
}

// DSN returns databaseURL pointing at the demo database: same server, user
// and options, database sotay_demo.
func DSN(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return "", fmt.Errorf("DATABASE_URL phải có dạng postgres://user@host:5432/tencsdl?sslmode=disable")
	}
	u.Path = "/" + databaseName()
	u.RawPath = ""
	// lib/pq lets a dbname parameter override the path: drop it, so the
	// demo never reaches another database.
	q := u.Query()
	q.Del("dbname")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Reset drops the demo database and creates it empty. It refuses any dsn
// that names another database: the demo never touches real data.
func Reset(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil || strings.TrimPrefix(u.Path, "/") != databaseName() {
		return fmt.Errorf("demodata: refusing to reset %q: only the database %s is ever reset", redact(dsn), DatabaseName)
	}
	if err := storage.DropDatabase(ctx, dsn); err != nil {
		return err
	}
	return storage.CreateDatabase(ctx, dsn)
}

// redact hides a password in a dsn.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
