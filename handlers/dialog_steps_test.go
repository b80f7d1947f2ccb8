package handlers_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sotay/handlers"
	"sotay/handlers/chat"
	"sotay/storage"
)

// Every dialog of the handler list is declared whole: its steps have ids,
// once each, and views; a form's steps (Needed) come first and end at a
// step Next stops at. And no code names a step its dialog does not have:
// the compiler keeps a dialog's StepID constants to that dialog, and this
// test reads the package's source for the rest: every StepID constant
// names a step of its dialog, and Start, Goto, BackTo, gotoStep and
// summaryStep name steps by such a constant (or a value of the dialog's
// StepID type), never by a string literal or an untyped constant.
func TestDialogSteps(t *testing.T) {
	steps := map[string]map[string]bool{} // draft type → the dialog's step ids
	for _, d := range handlers.Dialogs(handlers.New(handlers.Deps{})) {
		t.Logf("%s (%s): %s", d.Name, d.Draft, strings.Join(d.Steps, " → "))
		if d.Err != nil {
			t.Errorf("%v", d.Err)
		}
		if steps[d.Draft] != nil {
			t.Errorf("two dialogs have the draft type %s: its StepID constants would name the steps of both", d.Draft)
		}
		steps[d.Draft] = map[string]bool{}
		for _, id := range d.Steps {
			steps[d.Draft][id] = true
		}
	}

	files := parsePackage(t)
	// The package's constants: those of a StepID type, and the others.
	stepConst, otherConst := map[string]bool{}, map[string]bool{}
	for _, f := range files.files {
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				draft := stepIDType(vs.Type)
				for i, name := range vs.Names {
					if draft == "" {
						otherConst[name.Name] = true
						continue
					}
					stepConst[name.Name] = true
					where := files.pos(name)
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Errorf("%s: step constant %s is not a string", where, name.Name)
						continue
					}
					id, _ := strconv.Unquote(lit.Value)
					switch {
					case steps[draft] == nil:
						t.Errorf("%s: %s names a step of a %s dialog, and no dialog of the handler list has that draft", where, name.Name, draft)
					case !steps[draft][id]:
						t.Errorf("%s: %s names step %q, which the %s dialog does not have", where, name.Name, id, draft)
					}
				}
			}
		}
	}
	// Where code names a step: the argument that is the step, by callee.
	stepArg := map[string]int{"Goto": 0, "BackTo": 0, "gotoStep": 0, "Start": 2, "StartNew": 2, "summaryStep": 3}
	for _, f := range files.files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := calleeName(call.Fun)
			i, ok := stepArg[name]
			if !ok || i >= len(call.Args) {
				return true
			}
			switch arg := call.Args[i].(type) {
			case *ast.BasicLit:
				t.Errorf("%s: %s names step %s by a literal: name it by its StepID constant", files.pos(arg), name, arg.Value)
			case *ast.Ident:
				local := arg.Obj != nil && arg.Obj.Kind == ast.Var
				if !local && otherConst[arg.Name] && !stepConst[arg.Name] {
					t.Errorf("%s: %s names a step by %s, a constant of no StepID type", files.pos(arg), name, arg.Name)
				}
			}
			return true
		})
	}
}

// sourceFiles are the package's files (not its tests), parsed.
type sourceFiles struct {
	fset  *token.FileSet
	files []*ast.File
}

func parsePackage(t *testing.T) sourceFiles {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sf := sourceFiles{fset: token.NewFileSet()}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(sf.fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		sf.files = append(sf.files, f)
	}
	if len(sf.files) == 0 {
		t.Fatal("no source files read")
	}
	return sf
}

func (sf sourceFiles) pos(n ast.Node) token.Position { return sf.fset.Position(n.Pos()) }

// stepIDType is T of a StepID[T] type expression, or "".
func stepIDType(e ast.Expr) string {
	ix, ok := e.(*ast.IndexExpr)
	if !ok {
		return ""
	}
	// chat.StepID, the engine's type.
	if x, ok := ix.X.(*ast.SelectorExpr); !ok || x.Sel.Name != "StepID" {
		return ""
	}
	if d, ok := ix.Index.(*ast.Ident); ok {
		return d.Name
	}
	return ""
}

// calleeName is the name a call calls: f, x.f, f[T] or x.f[T].
func calleeName(e ast.Expr) string {
	switch f := e.(type) {
	case *ast.Ident:
		return f.Name
	case *ast.SelectorExpr:
		return f.Sel.Name
	case *ast.IndexExpr:
		return calleeName(f.X)
	case *ast.IndexListExpr:
		return calleeName(f.X)
	}
	return ""
}

// A declaration the engine cannot run is refused by its check: no id, two
// steps with one id, a form that Next cannot end, a step among a form's
// fields that Next would stop at, an Editable step without its label.
func TestDialogCheckRefusesBadDeclarations(t *testing.T) {
	type draft struct{ A, B string }
	view := func(context.Context, *chat.Conv[draft]) (string, chat.Keyboard, error) { return "?", nil, nil }
	needA := func(d draft) bool { return d.A == "" }
	needB := func(d draft) bool { return d.B == "" }
	editable := func(context.Context, *chat.Conv[draft]) (bool, error) { return true, nil }
	for _, tc := range []struct {
		name  string
		steps []*chat.Step[draft]
		want  string // "" when the declaration is right
	}{
		{"Form", []*chat.Step[draft]{{ID: "a", Needed: needA, View: view}, {ID: "b", Needed: needB, View: view}, {ID: "sum", View: view}}, ""},
		{"NoForm", []*chat.Step[draft]{{ID: "a", View: view}, {ID: "b", View: view}}, ""},
		{"NoID", []*chat.Step[draft]{{View: view}}, "has no id"},
		{"TwoStepsOneID", []*chat.Step[draft]{{ID: "a", View: view}, {ID: "a", View: view}}, `two steps "a"`},
		{"NoView", []*chat.Step[draft]{{ID: "a"}}, "has no view"},
		{"FormWithoutEnd", []*chat.Step[draft]{{ID: "a", Needed: needA, View: view}, {ID: "b", Needed: needB, View: view}}, "no step after"},
		{"StepWithoutNeededAmongTheFields", []*chat.Step[draft]{{ID: "a", Needed: needA, View: view}, {ID: "x", View: view}, {ID: "b", Needed: needB, View: view}, {ID: "sum", View: view}}, `"x", among the form's steps`},
		{"EditableWithoutLabel", []*chat.Step[draft]{{ID: "a", Editable: editable, View: view}}, "without an Edit label"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := handlers.CheckDialog(&chat.Dialog[draft]{Name: "zz", Steps: tc.steps})
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("got %v, want an error saying %q", err, tc.want)
			}
		})
	}
}

// A form dialog asks its fields in the order declared, skipping those the
// draft has (Needed); the edit menu offers the labelled steps its
// Editable allows, in that order, and a press of any other is refused;
// after an edit the dialog goes on to the first field still needed, or
// the summary. Each window loads before it draws (Window): drawn again
// after a wrong answer, it shows what the database holds then.
func TestFormDialogFollowsItsDeclaredOrder(t *testing.T) {
	e, _, _ := docEnv(t)
	type draft struct{ A, B, C string }
	type dc = chat.Conv[draft]
	// Each window shows a name it loads from the database.
	ask := func(q string) func(context.Context, *dc) (string, chat.Keyboard, error) {
		return chat.Window(func(ctx context.Context, c *dc) (string, error) {
			m, err := c.Store.Member(ctx, "DV3")
			return m.FullName, err
		}, func(c *dc, name string) (string, chat.Keyboard) {
			return q + " (" + name + ")", chat.Keyboard{c.CancelRow()}
		})
	}
	set := func(field func(*draft) *string) func(context.Context, *dc, string) error {
		return func(_ context.Context, c *dc, text string) error {
			if text == "sai" {
				return storage.Errorf(storage.CodeInvalid, "Sai rồi.")
			}
			*field(&c.Draft) = text
			c.Next()
			return nil
		}
	}
	d := &chat.Dialog[draft]{Name: "zf", Steps: []*chat.Step[draft]{
		{ID: "a", Needed: func(d draft) bool { return d.A == "" }, Edit: "Sửa A", View: ask("Hỏi A?"),
			Text: set(func(d *draft) *string { return &d.A })},
		{ID: "b", Needed: func(d draft) bool { return d.B == "" }, Edit: "Sửa B", View: ask("Hỏi B?"),
			Editable: func(_ context.Context, c *dc) (bool, error) { return c.Draft.A != "khóa", nil },
			Text:     set(func(d *draft) *string { return &d.B })},
		{ID: "c", Needed: func(d draft) bool { return d.C == "" }, View: ask("Hỏi C?"),
			Text: set(func(d *draft) *string { return &d.C })},
		{ID: "sum", View: func(_ context.Context, c *dc) (string, chat.Keyboard, error) {
			return "Tóm tắt " + c.Draft.A + "/" + c.Draft.B + "/" + c.Draft.C, chat.Keyboard{{c.Button("Sửa", "e")}}, nil
		}, Actions: map[string]func(context.Context, *dc, chat.Args) error{
			"e": func(_ context.Context, c *dc, _ chat.Args) error { c.Goto("edit"); return nil },
		}},
		{ID: "edit", View: chat.Window(func(ctx context.Context, c *dc) ([]*chat.Step[draft], error) {
			return c.Editable(ctx)
		}, func(c *dc, steps []*chat.Step[draft]) (string, chat.Keyboard) {
			return "Sửa mục nào?", chat.EditMenu(c, steps, "f")
		}), Actions: map[string]func(context.Context, *dc, chat.Args) error{
			"f": func(ctx context.Context, c *dc, a chat.Args) error {
				step, err := chat.Edited(ctx, c, a, 0)
				if err != nil {
					return err
				}
				c.Goto(step)
				return nil
			},
		}},
	}}
	if err := handlers.CheckDialog(d); err != nil {
		t.Fatal(err)
	}
	handlers.AddForTest(e.h, chat.Handler{Dialog: d, Access: chat.Member})
	handlers.AddForTest(e.h, chat.Handler{Command: "zf", Access: chat.Member, Handle: func(ctx context.Context, r *chat.Request) error {
		dr := draft{B: "có sẵn"} // B given: not asked
		return d.Start(ctx, r, d.Next(dr), dr)
	}})
	step := func(want string) {
		t.Helper()
		if got := dialogStep(t, e.s, 702); got != "zf/"+want {
			t.Fatalf("step %q, want zf/%s; said %q", got, want, e.rec.texts())
		}
	}
	e.text(t, 702, "/zf")
	step("a")
	e.text(t, 702, "khóa")
	step("c") // B is in the draft already
	if _, err := e.s.DB().Exec(`UPDATE members SET full_name = 'Tên Mới Đổi' WHERE code = 'DV3'`); err != nil {
		t.Fatal(err)
	}
	e.rec.reset()
	e.text(t, 702, "sai")
	step("c")
	if !contains(e.rec.texts(), "Sai rồi.") || !contains(e.rec.texts(), "Hỏi C? (Tên Mới Đổi)") {
		t.Errorf("the step drawn again after a wrong answer did not load afresh: %q", e.rec.texts())
	}
	e.text(t, 702, "ba")
	step("sum")
	e.said(t, "Tóm tắt khóa/có sẵn/ba")

	// The edit menu: A only (B's Editable refuses it while A is "khóa"; C has no label).
	edit := e.rec.find("zf", "e")
	e.rec.reset()
	e.press(t, 702, edit)
	step("edit")
	labels := strings.Join(e.rec.buttonLabels(), "|")
	if !strings.Contains(labels, "Sửa A") || strings.Contains(labels, "Sửa B") {
		t.Errorf("edit menu %q", labels)
	}
	for _, forged := range []string{"f:b", "f:c", "f:sum", "f:zz", "f"} {
		e.press(t, 702, forge(t, e, "zf", "f:a", forged))
		step("edit")
	}
	e.tap(t, 702, "zf", "f:a")
	step("a")
	e.text(t, 702, "mở")
	step("sum") // nothing else is needed
	e.said(t, "Tóm tắt mở/có sẵn/ba")
	edit = e.rec.find("zf", "e")
	e.rec.reset()
	e.press(t, 702, edit)
	labels = strings.Join(e.rec.buttonLabels(), "|")
	if !strings.Contains(labels, "Sửa A") || !strings.Contains(labels, "Sửa B") || strings.Index(labels, "Sửa A") > strings.Index(labels, "Sửa B") {
		t.Errorf("edit menu %q, want Sửa A then Sửa B", labels)
	}
	e.tap(t, 702, "zf", "f:b")
	step("b")
	e.text(t, 702, "bốn")
	step("sum")
	e.said(t, "Tóm tắt mở/bốn/ba")
}
