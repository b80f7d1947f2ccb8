package storage

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Organisation is a node of the party organisation tree.
type Organisation struct {
	ID          int64      `db:"id"`
	Code        string     `db:"code"`
	Name        string     `db:"name"`
	Kind        OrgKind    `db:"kind"`
	ParentID    *int64     `db:"parent_id"`
	ParentCode  string     `db:"parent_code"`
	CreatedAt   time.Time  `db:"created_at"`
	DissolvedAt *time.Time `db:"dissolved_at"`
	// FoundedOn is the founding day, when known: reports are not taken
	// for days before it.
	FoundedOn *time.Time `db:"founded_on"`
}

// KindName is the Vietnamese name of an organisation kind.
func KindName(kind OrgKind) string {
	if kind == KindDangBo {
		return "Đảng bộ"
	}
	return "Chi bộ"
}

const orgColumns = `o.id, o.code, o.name, o.kind, o.parent_id, COALESCE(p.code, '') AS parent_code, o.created_at, o.dissolved_at, o.founded_on`

// Organisation returns the organisation with this code.
func (s *Storage) Organisation(ctx context.Context, code string) (Organisation, error) {
	return s.organisationWhere(ctx, "o.code = $1", code, strconv.Quote(code))
}

// OrganisationByID returns the organisation with this id.
func (s *Storage) OrganisationByID(ctx context.Context, id int64) (Organisation, error) {
	return s.organisationWhere(ctx, "o.id = $1", id, strconv.FormatInt(id, 10))
}

// organisationWhere returns the organisation for which cond holds of arg
// ($1); which names it in an error.
func (s *Storage) organisationWhere(ctx context.Context, cond string, arg any, which string) (Organisation, error) {
	var o Organisation
	err := s.get(ctx, &o, `SELECT `+orgColumns+` FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id WHERE `+cond, arg)
	if err != nil {
		return o, fmt.Errorf("storage: organisation %s: %w", which, err)
	}
	return o, nil
}

// Organisations returns every organisation that is not dissolved, parents
// before children, siblings by code.
func (s *Storage) Organisations(ctx context.Context) ([]Organisation, error) {
	var all []Organisation
	err := s.sel(ctx, &all, `SELECT `+orgColumns+` FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id WHERE o.dissolved_at IS NULL ORDER BY o.code`)
	if err != nil {
		return nil, fmt.Errorf("storage: organisations: %w", err)
	}
	return treeOrder(all), nil
}

// subtreeCTE is the table t of the ids of organisation $1 and of every
// organisation below it that is not dissolved.
const subtreeCTE = `
		WITH RECURSIVE t AS (
			SELECT id FROM organisations WHERE id = $1
			UNION ALL
			SELECT c.id FROM organisations c JOIN t ON c.parent_id = t.id WHERE c.dissolved_at IS NULL
		)`

// Subtree returns the organisation with this id and every organisation below
// it that is not dissolved, parents first.
func (s *Storage) Subtree(ctx context.Context, rootID int64) ([]Organisation, error) {
	var orgs []Organisation
	err := s.sel(ctx, &orgs, subtreeCTE+`
		SELECT `+orgColumns+` FROM organisations o JOIN t ON t.id = o.id
		LEFT JOIN organisations p ON p.id = o.parent_id ORDER BY o.code`, rootID)
	if err != nil {
		return nil, fmt.Errorf("storage: subtree of %d: %w", rootID, err)
	}
	return treeOrder(orgs), nil
}

// InSubtree reports whether org is root or lies below it.
func (s *Storage) InSubtree(ctx context.Context, rootID, orgID int64) (bool, error) {
	chain, err := s.orgChain(ctx, orgID)
	if err != nil {
		return false, err
	}
	return slices.Contains(chain, rootID), nil
}

// orgChain returns an organisation and its ancestors.
func (s *Storage) orgChain(ctx context.Context, orgID int64) ([]int64, error) {
	var ids []int64
	err := s.sel(ctx, &ids, `WITH RECURSIVE up AS (
			SELECT id, parent_id FROM organisations WHERE id = $1
			UNION ALL
			SELECT o.id, o.parent_id FROM organisations o JOIN up ON o.id = up.parent_id
		) SELECT id FROM up`, orgID)
	if err != nil {
		return nil, fmt.Errorf("storage: ancestors of %d: %w", orgID, err)
	}
	return ids, nil
}

// treeOrder sorts organisations so that parents come before their children
// and siblings stay in code order.
func treeOrder(orgs []Organisation) []Organisation {
	byID := make(map[int64]bool, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = true
	}
	children := map[int64][]Organisation{}
	var roots []Organisation
	for _, o := range orgs {
		if o.ParentID == nil || !byID[*o.ParentID] {
			roots = append(roots, o)
		} else {
			children[*o.ParentID] = append(children[*o.ParentID], o)
		}
	}
	out := make([]Organisation, 0, len(orgs))
	var walk func([]Organisation)
	walk = func(level []Organisation) {
		sort.Slice(level, func(i, j int) bool { return level[i].Code < level[j].Code })
		for _, o := range level {
			out = append(out, o)
			walk(children[o.ID])
		}
	}
	walk(roots)
	return out
}

// RenameOrganisation gives an organisation a new name, keeping the old one
// in its history.
func (s *Storage) RenameOrganisation(ctx context.Context, code, name, actor string) error {
	return s.WithTx(ctx, func(s *Storage) error {
		o, err := s.Organisation(ctx, code)
		if err != nil {
			return err
		}
		if o.Name == name {
			return nil
		}
		if _, err := s.exec(ctx, `UPDATE organisations SET name = $2 WHERE id = $1`, o.ID, name); err != nil {
			return fmt.Errorf("storage: rename %q: %w", code, err)
		}
		if err := s.orgHistory(ctx, o.ID, "renamed", o.Name, name); err != nil {
			return err
		}
		return s.Audit(ctx, actor, "org.rename", code, map[string]string{"old": o.Name, "new": name})
	})
}

// DissolveOrganisation marks an organisation and everything below it
// dissolved. Its history, members' past and reports stay; active members
// must have been moved out first.
func (s *Storage) DissolveOrganisation(ctx context.Context, code, actor string) error {
	return s.WithTx(ctx, func(s *Storage) error {
		o, err := s.Organisation(ctx, code)
		if err != nil {
			return err
		}
		if o.DissolvedAt != nil {
			return Errorf(CodeConflict, "Tổ chức %s đã giải thể từ trước.", code)
		}
		sub, err := s.Subtree(ctx, o.ID)
		if err != nil {
			return err
		}
		ids := make([]int64, len(sub))
		for i, x := range sub {
			ids[i] = x.ID
		}
		var n int
		if err := s.get(ctx, &n, `SELECT count(*) FROM members WHERE active AND org_id = ANY($1)`, int64Array(ids)); err != nil {
			return fmt.Errorf("storage: dissolve %q: %w", code, err)
		}
		if n > 0 {
			return Errorf(CodeConflict, "Tổ chức %s còn %d đảng viên đang sinh hoạt: hãy chuyển sinh hoạt cho họ trước khi giải thể.", code, n)
		}
		for _, id := range ids {
			if _, err := s.exec(ctx, `UPDATE organisations SET dissolved_at = $2 WHERE id = $1`, id, s.now()); err != nil {
				return fmt.Errorf("storage: dissolve %q: %w", code, err)
			}
			if err := s.orgHistory(ctx, id, "dissolved", "", ""); err != nil {
				return err
			}
		}
		return s.Audit(ctx, actor, "org.dissolve", code, nil)
	})
}

func (s *Storage) orgHistory(ctx context.Context, orgID int64, change, old, new string) error {
	_, err := s.exec(ctx, `INSERT INTO organisation_history (org_id, at, change, old_value, new_value) VALUES ($1, $2, $3, $4, $5)`,
		orgID, s.now(), change, old, new)
	if err != nil {
		return fmt.Errorf("storage: organisation history: %w", err)
	}
	return nil
}

// OrganisationHistory lists the changes of one organisation, oldest first.
type OrgChange struct {
	At       time.Time `db:"at"`
	Change   string    `db:"change"`
	OldValue string    `db:"old_value"`
	NewValue string    `db:"new_value"`
}

// OrganisationHistory returns what happened to an organisation, oldest first.
func (s *Storage) OrganisationHistory(ctx context.Context, code string) ([]OrgChange, error) {
	var h []OrgChange
	err := s.sel(ctx, &h, `SELECT h.at, h.change, h.old_value, h.new_value FROM organisation_history h
		JOIN organisations o ON o.id = h.org_id WHERE o.code = $1 ORDER BY h.at, h.id`, code)
	if err != nil {
		return nil, fmt.Errorf("storage: history of %q: %w", code, err)
	}
	return h, nil
}
