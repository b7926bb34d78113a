package mnemotest_test

import (
	"testing"

	"github.com/mnemohq/mnemo"
	"github.com/mnemohq/mnemo/mnemotest"
)

// A test of an application's code against mnemo: the engine is real, on a temporary file, with a
// fake clock and, here, IDs that repeat from run to run. (This example is compiled, not run: it
// needs a test's t. TestTypicalUserTest runs the same lines.)
func ExampleNew() {
	var t *testing.T // the test's own t
	eng := mnemotest.New(t, mnemotest.WithSeed(1))
	eng.AddText("Alice prefers green tea.", &mnemo.AddOptions{UserID: "alice"})
	eng.Settle()
	eng.RequireMemories(&mnemo.ListOptions{UserID: "alice"}, "Alice prefers green tea.")
	eng.RequireSearch("what does alice drink", &mnemo.SearchOptions{UserID: "alice"}, "tea")
}
