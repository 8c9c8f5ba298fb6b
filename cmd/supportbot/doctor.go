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
	x := doctor.Extra{DatabaseTLS: storage.CheckRemoteTLS}
	x.Database, x.AuditChain = a.databaseChecks(c)
	report := doctor.Check(c, x)
	if err := report.Write(a.stdout); err != nil {
		return 1
	}
	if report.Failed() {
		return 1
	}
	return 0
}

// databaseChecks reports whether the database is reachable and migrated and
// whether the audit chain verifies. It never creates a database: a missing
// embedded one is a warning, not something doctor should make.
func (a *app) databaseChecks(c *config.Config) (dbResult, chainResult *doctor.Result) {
	const dbItem, chainItem = "Database and migrations", "Audit trail hash chain"
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
	dbResult = &doctor.Result{Item: dbItem, Status: doctor.Pass,
		Detail: fmt.Sprintf("%s reachable, %d migrations applied", db.Dialect(), len(status)-pending)}
	if pending > 0 {
		*dbResult = doctor.Result{Item: dbItem, Status: doctor.Warn,
			Detail: fmt.Sprintf("%d migrations pending", pending), Fix: "run supportbot migrate (serve applies them too)"}
		return dbResult, nil
	}
	key, err := auditChainKey(c)
	if err != nil {
		return dbResult, &doctor.Result{Item: chainItem, Status: doctor.Fail, Detail: err.Error(), Fix: "set SECRET_KEY"}
	}
	res, err := audit.NewStore(db, key, a.logger(c), time.Now).Verify(ctx)
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
