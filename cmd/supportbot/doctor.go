package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"supportbot/internal/audit"
	"supportbot/internal/config"
	"supportbot/internal/doctor"
	"supportbot/internal/storage"
)

func runDoctor(a *app, args []string) int {
	fs := newFlagSet(a, "doctor", "Check the configuration and environment against the production security checklist.\nOne line per item: PASS, WARN or FAIL and the fix. Exit 1 on any FAIL.")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	c, ok := a.loadConfig(false)
	if !ok {
		return 1
	}
	dbResult, chainResult := a.databaseChecks(c)
	report := checklist(c, dbResult, chainResult)
	if err := report.Write(a.stdout); err != nil {
		return 1
	}
	if report.Failed() {
		return 1
	}
	return 0
}

// checklist is the production checklist of c with the database's results:
// what `supportbot doctor` prints and the admin dashboard shows.
func checklist(c *config.Config, dbResult, chainResult *doctor.Result) doctor.Report {
	return doctor.Check(c, doctor.Extra{DatabaseTLS: storage.CheckRemoteTLS, Database: dbResult, AuditChain: chainResult})
}

// databaseChecks reports whether the database is reachable and migrated and
// whether the audit chain verifies. It never creates a database: a missing
// embedded one is a warning, not something doctor should make.
func (a *app) databaseChecks(c *config.Config) (dbResult, chainResult *doctor.Result) {
	if c.DatabaseURL == "" {
		path := filepath.Join(c.DataDir, storage.SQLiteFileName)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return &doctor.Result{Item: dbItem, Status: doctor.Warn, Detail: path + " does not exist yet",
				Fix: "run supportbot migrate (serve also creates it)"}, nil
		}
	}
	if c.Validate() != nil {
		return &doctor.Result{Item: dbItem, Status: doctor.Warn, Detail: "not checked: the configuration is invalid",
			Fix: "fix the items above"}, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := storage.Open(ctx, storage.Options{URL: c.DatabaseURL, MaxOpenConns: 2,
		QueryTimeout: c.DBQueryTimeout, Production: !c.Development, DataDir: c.DataDir})
	if err != nil {
		return &doctor.Result{Item: dbItem, Status: doctor.Fail, Detail: err.Error(),
			Fix: "check DATABASE_URL and that the database is running"}, nil
	}
	defer db.Close()
	key, err := auditChainKey(c)
	if err != nil {
		// Without the key there is nothing to verify the chain with.
		dbResult, _ = checkDatabase(ctx, db, nil)
		if dbResult.Status != doctor.Pass {
			return dbResult, nil
		}
		return dbResult, &doctor.Result{Item: chainItem, Status: doctor.Fail, Detail: err.Error(), Fix: "set SECRET_KEY"}
	}
	return checkDatabase(ctx, db, audit.NewStore(db, key, a.logger(c), time.Now).Verify)
}

// The checklist items of the database.
const dbItem, chainItem = "Database and migrations", "Audit trail hash chain"

// checkDatabase reports the migrations of an open database and, when they
// are all applied and verify is set, whether the audit chain verifies.
// doctor runs it on a database it opens; the running server on its own, for
// the admin dashboard.
func checkDatabase(ctx context.Context, db *storage.DB, verify func(context.Context) (audit.Result, error)) (dbResult, chainResult *doctor.Result) {
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		return &doctor.Result{Item: dbItem, Status: doctor.Fail, Detail: err.Error(), Fix: "run supportbot migrate"}, nil
	}
	pending := 0
	for _, m := range status {
		if !m.Applied {
			pending++
		}
	}
	if pending > 0 {
		return &doctor.Result{Item: dbItem, Status: doctor.Warn,
			Detail: fmt.Sprintf("%d migrations pending", pending), Fix: "run supportbot migrate (serve applies them too)"}, nil
	}
	dbResult = &doctor.Result{Item: dbItem, Status: doctor.Pass,
		Detail: fmt.Sprintf("%s reachable, %d migrations applied", db.Dialect(), len(status))}
	if verify == nil {
		return dbResult, nil
	}
	res, err := verify(ctx)
	switch {
	case err != nil:
		return dbResult, &doctor.Result{Item: chainItem, Status: doctor.Fail, Detail: err.Error(), Fix: "check the database"}
	case !res.OK:
		return dbResult, &doctor.Result{Item: chainItem, Status: doctor.Fail,
			Detail: fmt.Sprintf("broken at row %d: %s", res.FirstBadID, res.Reason),
			Fix:    "treat as a security incident: see docs/INCIDENT_RESPONSE.md"}
	}
	return dbResult, &doctor.Result{Item: chainItem, Status: doctor.Pass, Detail: fmt.Sprintf("%d events verified", res.Checked)}
}
