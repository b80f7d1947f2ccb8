package main

import (
	"testing"
	"time"

	"sotay/bot/telegramtest"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestServeMigratesOnStart: an upgraded package restarts sotay.service,
// and `sotay serve` brings the schema up to date before it takes updates
// (docs/deploy/README.md, "Upgrading"): started on a database without the
// newest migrations, it polls on the current schema.
func TestServeMigratesOnStart(t *testing.T) {
	dsn := storagetest.EmptyDatabase(t)
	tg := telegramtest.NewServer()
	defer tg.Close()
	sv := serve(t, []string{"DATABASE_URL=" + dsn, "TELEGRAM_BOT_TOKEN=" + tg.Token(), "TELEGRAM_API_URL=" + tg.URL()})
	telegramtest.Eventually(t, 60*time.Second, "serve polls", func() bool { return tg.Calls("getUpdates") > 0 })
	sv.running(t, "after start")
	var v struct {
		Version uint `db:"version"`
		Dirty   bool `db:"dirty"`
	}
	if err := open(t, dsn).DB().Get(&v, `SELECT version, dirty FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	if v.Version != storage.SchemaVersion() || v.Dirty {
		t.Fatalf("schema after serve started: %+v, want %d", v, storage.SchemaVersion())
	}
	sv.stop(t)
}
