package demodata

import (
	"context"
	"fmt"

	"sotay/storage"
)

// Where the commune office works: the admin (Văn phòng Đảng ủy) and the
// officers (Ban Xây dựng Đảng, Ủy ban Kiểm tra) are members of this cell.
const officeCell = "CBCQDANG"

// grantRoles makes a secretary for each cell and each base committee, two
// officers and one admin at the root. Secretaries are official members of
// the organisation, preferably over 35; nobody holds two demo roles, so
// each persona shows one role.
func grantRoles(ctx context.Context, d *Demo) error {
	if len(d.people) == 0 {
		return fmt.Errorf("roles: no members generated")
	}
	byOrg := map[string][]int{}
	for i, p := range d.people {
		byOrg[p.OrgCode] = append(byOrg[p.OrgCode], i)
	}
	taken := map[int]bool{}
	// choose picks an untaken official member among candidates, the
	// experienced first.
	choose := func(cands []int) (int, bool) {
		var best []int
		for _, minAge := range []int{35, 0} {
			best = best[:0]
			for _, i := range cands {
				p := d.people[i]
				if !taken[i] && p.Status == storage.StatusOfficial && p.Age >= minAge {
					best = append(best, i)
				}
			}
			if len(best) > 0 {
				break
			}
		}
		if len(best) == 0 {
			return 0, false
		}
		i := best[d.Rnd.IntN(len(best))]
		taken[i] = true
		return i, true
	}
	grant := func(i int, role, org string) error {
		return d.S.GrantRole(ctx, d.people[i].Code, role, org, Actor)
	}

	// The office first, so that its secretary is not the admin.
	office := byOrg[officeCell]
	admin, ok := choose(office)
	if !ok {
		return fmt.Errorf("roles: no admin candidate in %s", officeCell)
	}
	if err := grant(admin, storage.RoleAdmin, RootCode); err != nil {
		return err
	}
	d.Admin = d.people[admin].Code
	d.Officers = d.Officers[:0]
	for range 2 {
		o, ok := choose(office)
		if !ok {
			return fmt.Errorf("roles: no officer candidate in %s", officeCell)
		}
		if err := grant(o, storage.RoleOfficer, RootCode); err != nil {
			return err
		}
		d.Officers = append(d.Officers, d.people[o].Code)
	}

	for _, o := range demoOrgs {
		if o.Kind != storage.KindChiBo {
			continue
		}
		i, ok := choose(byOrg[o.Code])
		if !ok {
			return fmt.Errorf("roles: no secretary candidate in %s", o.Code)
		}
		if err := grant(i, storage.RoleSecretary, o.Code); err != nil {
			return err
		}
		d.Secretaries[o.Code] = d.people[i].Code
	}
	// A committee's secretary comes from one of its cells.
	for _, c := range demoOrgs {
		if c.Kind != storage.KindDangBo || c.Code == RootCode {
			continue
		}
		var cands []int
		for _, o := range demoOrgs {
			if o.Parent == c.Code {
				cands = append(cands, byOrg[o.Code]...)
			}
		}
		i, ok := choose(cands)
		if !ok {
			return fmt.Errorf("roles: no secretary candidate in %s", c.Code)
		}
		if err := grant(i, storage.RoleSecretary, c.Code); err != nil {
			return err
		}
		d.Secretaries[c.Code] = d.people[i].Code
	}
	return nil
}
