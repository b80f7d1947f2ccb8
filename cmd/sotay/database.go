package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/lib/pq"
	"github.com/spf13/cobra"

	"sotay/storage/demodata"
)

// createsDatabase are the commands that create the database when it is
// missing; every other command only uses one that exists, so that a typo in
// DATABASE_URL is said, not answered with an empty database.
var createsDatabase = map[string]bool{"serve": true, "migrate": true, "demo": true}

// demoDatabase is --demo: the command uses the demo's database.
func demoDatabase(root *cobra.Command) {
	var demo bool
	root.PersistentFlags().BoolVar(&demo, "demo", false, "dùng cơ sở dữ liệu của bản demo (sotay_demo, trên máy chủ PostgreSQL của DATABASE_URL)")
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error {
		f := c.Flags().Lookup("database-url")
		if f == nil {
			return nil
		}
		if demo {
			dsn, err := demodata.DSN(f.Value.String())
			if err != nil {
				return err
			}
			if err := f.Value.Set(dsn); err != nil {
				return err
			}
		}
		if createsDatabase[c.Name()] {
			return nil
		}
		return databaseExists(c.Context(), f.Value.String(), demo, c.CommandPath())
	}
}

// databaseExists returns nil when the database of dsn exists, and
// otherwise says which database was looked for and how to name another.
func databaseExists(ctx context.Context, dsn string, demo bool, command string) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return explainDBError(dsn, err)
	}
	defer db.Close()
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	err = db.PingContext(pctx)
	var pqErr *pq.Error
	if !errors.As(err, &pqErr) || pqErr.Code != "3D000" { // invalid_catalog_name
		if err != nil {
			return explainDBError(dsn, err)
		}
		return nil
	}
	where := redactDSN(dsn)
	name := where
	if u, perr := url.Parse(dsn); perr == nil && u.Host != "" {
		name = strings.TrimPrefix(u.Path, "/")
		where = u.Host + "/" + name
	}
	if demo {
		return fmt.Errorf("chưa có cơ sở dữ liệu của bản demo (%s): hãy chạy \"sotay demo\" một lần để tạo dữ liệu mẫu", where)
	}
	return fmt.Errorf("không có cơ sở dữ liệu %s. Lệnh này chỉ dùng cơ sở dữ liệu có sẵn, không tạo mới.\n"+
		"- Dữ liệu của bản demo (sotay demo) nằm trong sotay_demo: thêm --demo, ví dụ: %s --demo\n"+
		"- Cơ sở dữ liệu khác: đặt DATABASE_URL hoặc --database-url, ví dụ postgres://postgres@127.0.0.1:5432/sotay?sslmode=disable\n"+
		"- Cơ sở dữ liệu mới: chạy \"sotay migrate\" để tạo %s", where, command, name)
}
