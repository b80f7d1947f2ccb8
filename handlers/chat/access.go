package chat

import (
	"context"

	"sotay/storage"
)

// Has reports whether the member holds a role at least as strong as access
// anywhere. Admins may do what officers do; officers what secretaries do.
func (r *Request) Has(access Access) bool {
	switch access {
	case Public:
		return true
	case Member:
		return r.Member != nil
	}
	if r.Member == nil {
		return false
	}
	for _, role := range r.Roles {
		if roleAccess(role) >= access {
			return true
		}
	}
	return false
}

// roleAccess is what a role allows. The admin actions (roster, publishing,
// withdrawing) act on the whole commune, so an admin role counts as Admin
// only at the root; lower in the tree it oversees its subtree as an officer.
func roleAccess(role storage.Role) Access {
	switch role.Role {
	case storage.RoleAdmin:
		if role.AtRoot {
			return Admin
		}
		return Officer
	case storage.RoleOfficer:
		return Officer
	case storage.RoleSecretary:
		return Secretary
	}
	return Member
}

// CanSee reports whether the member may see organisation orgID: a role over
// it or over one of its ancestors of at least the given access.
func (r *Request) CanSee(ctx context.Context, access Access, orgID int64) (bool, error) {
	return r.Scope(access).Covers(ctx, orgID)
}

// Scope answers, for one user and one access level, which organisations
// they may see or act on: the subtrees under their roles that grant that
// level (a secretary's cell, an officer's committee; an admin's or an
// officer's role also counts where a secretary's is asked for). It is the
// one answer push, invites, documents, reports and statistics use.
type Scope struct {
	access Access
	roots  []int64
	store  *storage.Storage
	// sets caches subtrees.
	sets map[int64]map[int64]bool
}

// Scope is the request's scope at an access level, built from its roles
// once per request.
func (r *Request) Scope(access Access) *Scope {
	if s, ok := r.scopes[access]; ok {
		return s
	}
	s := &Scope{access: access, store: r.Store}
	seen := map[int64]bool{}
	for _, role := range r.Roles {
		if roleAccess(role) >= access && !seen[role.OrgID] {
			seen[role.OrgID] = true
			s.roots = append(s.roots, role.OrgID)
		}
	}
	if r.scopes == nil {
		r.scopes = map[Access]*Scope{}
	}
	r.scopes[access] = s
	return s
}

// Empty reports whether the user holds no role at this level.
func (s *Scope) Empty() bool { return len(s.roots) == 0 }

// Roots are the organisations the roles are on.
func (s *Scope) Roots() []int64 { return s.roots }

// IsRoot reports whether a role of this level sits on orgID itself.
func (s *Scope) IsRoot(orgID int64) bool {
	for _, id := range s.roots {
		if id == orgID {
			return true
		}
	}
	return false
}

// Covers reports whether orgID lies in the scope.
func (s *Scope) Covers(ctx context.Context, orgID int64) (bool, error) {
	for _, root := range s.roots {
		ok, err := s.store.InSubtree(ctx, root, orgID)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// Check is Covers as an error: ErrForbidden outside the scope.
func (s *Scope) Check(ctx context.Context, orgID int64) error {
	ok, err := s.Covers(ctx, orgID)
	if err != nil {
		return err
	}
	if !ok {
		return storage.ErrForbidden
	}
	return nil
}

// Organisations lists the scope's organisations in tree order, each once.
func (s *Scope) Organisations(ctx context.Context) ([]storage.Organisation, error) {
	return underRoots(ctx, s.roots, s.store.Subtree, func(o storage.Organisation) int64 { return o.ID })
}

// Members lists the active members of the scope, each once.
func (s *Scope) Members(ctx context.Context) ([]storage.Member, error) {
	return underRoots(ctx, s.roots, s.store.MembersInSubtree, func(m storage.Member) int64 { return m.ID })
}

// underRoots gathers what load returns for each root, each id once, in order.
func underRoots[T any](ctx context.Context, roots []int64, load func(context.Context, int64) ([]T, error), id func(T) int64) ([]T, error) {
	seen := map[int64]bool{}
	var out []T
	for _, root := range roots {
		items, err := load(ctx, root)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if !seen[id(it)] {
				seen[id(it)] = true
				out = append(out, it)
			}
		}
	}
	return out, nil
}

// Acting on another member's account (an invite, a relink, an unlink, a
// slip on the invite sheet, and any later way into the handbook such as a
// web sign-in link) can hand that member's powers to whoever opens the
// link, so it has one rule, here: the user needs a role whose node covers
// the member's organisation and lies strictly above the node of every
// role the member holds, whatever the kinds of those roles. So a cell
// secretary acts on the plain members of the cell, not on a deputy
// secretary of the same cell nor on a member who holds a role higher up;
// an officer or admin above does that. Only an admin at the root may act
// on anyone, other admins at the root included, since nothing lies above
// the root.
//
// Nobody acts on their own account here, not even an admin at the root:
// the only use would be to move one's own powers to the account that opens
// the link, which someone holding one's phone for a minute must not be
// able to do. Another admin at the root, an officer or admin above, or the
// server's operator (sotay invite) does it.

// MayActOn checks the rule for one member: nil when the user may act on
// the member's account; storage.ErrForbidden (the usual answer) when the
// member lies outside every role of the user; and a refusal that says why
// when the member is the user or holds a role at or above the user's.
func (r *Request) MayActOn(ctx context.Context, m storage.Member) error {
	errs, err := r.accountRule(ctx, []storage.Member{m})
	if err != nil {
		return err
	}
	return errs[0]
}

// ActOn keeps of ms the members the user may act on (MayActOn), in order:
// what the lists of /moi and the invite sheet offer.
func (r *Request) ActOn(ctx context.Context, ms []storage.Member) ([]storage.Member, error) {
	errs, err := r.accountRule(ctx, ms)
	if err != nil {
		return nil, err
	}
	var out []storage.Member
	for i, m := range ms {
		if errs[i] == nil {
			out = append(out, m)
		}
	}
	return out, nil
}

// accountRule applies the rule to each member: one query for the roles
// they hold and one subtree per role of the user.
func (r *Request) accountRule(ctx context.Context, ms []storage.Member) ([]error, error) {
	errs := make([]error, len(ms))
	if r.Member == nil {
		for i := range errs {
			errs[i] = storage.ErrForbidden
		}
		return errs, nil
	}
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	held, err := r.Store.RolesHeld(ctx, ids)
	if err != nil {
		return nil, err
	}
	scope := r.Scope(Secretary)
	subtrees, err := scope.subtrees(ctx)
	if err != nil {
		return nil, err
	}
	rootAdmin := r.Has(Admin)
	for i, m := range ms {
		switch {
		case m.ID == r.Member.ID:
			errs[i] = errOwnAccount
			continue
		case rootAdmin:
			continue
		}
		covered, blocker := false, storage.Role{}
		for _, root := range scope.roots {
			sub := subtrees[root]
			if !sub[m.OrgID] {
				continue
			}
			covered = true
			above := true
			for _, role := range held[m.ID] {
				if role.OrgID == root || !sub[role.OrgID] {
					above, blocker = false, role
					break
				}
			}
			if above {
				blocker = storage.Role{}
				break
			}
		}
		switch {
		case !covered:
			errs[i] = storage.ErrForbidden
		case blocker.Role != "":
			errs[i] = storage.Errorf(storage.CodeForbidden, "Đồng chí %s giữ vai trò %s tại %s, ngang hoặc cao hơn vai trò của đồng chí. "+
				"Việc mời, đổi, hủy liên kết tài khoản của đồng chí ấy do cán bộ hoặc quản trị cấp trên làm.",
				m.FullName, storage.RoleName(blocker.Role), blocker.OrgName)
		}
	}
	return errs, nil
}

// errOwnAccount answers a user who picks their own account (see above).
var errOwnAccount = &storage.Error{Code: storage.CodeForbidden, Message: "Đồng chí không tự đổi hay hủy liên kết tài khoản của chính mình được. " +
	"Khi đổi điện thoại hoặc tài khoản Telegram, đồng chí hãy nhờ cán bộ hoặc quản trị cấp trên (Văn phòng Đảng ủy) làm."}

// subtrees are, for each root of the scope, the organisations of its
// subtree as a set, loaded once per request.
func (s *Scope) subtrees(ctx context.Context) (map[int64]map[int64]bool, error) {
	if s.sets != nil {
		return s.sets, nil
	}
	sets := make(map[int64]map[int64]bool, len(s.roots))
	for _, root := range s.roots {
		orgs, err := s.store.Subtree(ctx, root)
		if err != nil {
			return nil, err
		}
		set := make(map[int64]bool, len(orgs))
		for _, o := range orgs {
			set[o.ID] = true
		}
		sets[root] = set
	}
	s.sets = sets
	return sets, nil
}
