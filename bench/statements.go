package bench

import "fmt"

// The Reconcile benchmark's statements are built from five slots of twenty two-word phrases each:
//
//	I <verb> <object> with <company> in the <place> during <time>.
//	I gladly brew green tea with cheerful nephews in the sunny garden during rainy afternoons.
//
// Every word of every phrase is a content word whose stem is found in no other phrase, so that each
// statement has exactly StatementKeys index terms, and two statements differ by two terms for each
// slot in which they differ. Each term is shared by one statement in twenty: a scope of 100,000 of
// them has 5,000 postings per term, far more than a term index lookup reads. No phrase holds a
// number, a date, a negation or the trigger of a predicate family ("live in", "work at", "favourite
// ... is", "years old", ...), so the default reconciler finds no contradiction or refinement between
// two of them: with ten keys on each side, one slot apart is a Jaccard similarity of 8/12, far from
// a near duplicate, and every statement is an add.
var statementSlots = [5][]string{
	{"gladly brew", "slowly sip", "proudly bake", "silently paint", "eagerly sketch", "calmly knit", "carefully sort",
		"warmly share", "patiently mend", "hastily polish", "secretly collect", "happily photograph", "deftly wash",
		"neatly fold", "lazily arrange", "boldly carve", "briskly stack", "fondly gather", "busily label", "tenderly wrap"},
	{"green tea", "sourdough loaves", "vintage stamps", "wooden spoons", "paper lanterns", "copper kettles",
		"woolen scarves", "clay pots", "glass beads", "leather gloves", "bamboo baskets", "linen napkins",
		"ceramic bowls", "pine cones", "seashell necklaces", "silk ribbons", "brass buttons", "pressed flowers",
		"maple cookies", "velvet cushions"},
	{"cheerful nephews", "chatty neighbours", "curious toddlers", "retired sailors", "sleepy grandparents",
		"noisy cousins", "gentle aunts", "clever classmates", "shy colleagues", "loyal teammates", "playful puppies",
		"elderly uncles", "witty roommates", "sporty mentors", "dreamy poets", "brave firefighters", "lively twins",
		"quirky artists", "polite strangers", "tired nurses"},
	{"sunny garden", "busy harbour", "tiny attic", "drafty barn", "cozy kitchen", "crowded market", "quiet library",
		"breezy courtyard", "dusty workshop", "bright studio", "shady orchard", "narrow alley", "spacious hall",
		"humid greenhouse", "chilly cellar", "rustic cabin", "hidden cove", "grand lobby", "muddy meadow", "empty chapel"},
	{"rainy afternoons", "foggy dawns", "snowy evenings", "windy weekends", "stormy nights", "festive holidays",
		"frosty mornings", "misty twilights", "golden sunsets", "hectic harvests", "starry midnights",
		"cloudy lunchtimes", "peaceful sabbaticals", "balmy summers", "bleak winters", "crisp autumns",
		"fragrant springs", "sleepless vigils", "joyful reunions", "solemn anniversaries"},
}

// StatementKeys is how many index terms each statement of MakeStatement has: two per slot.
const StatementKeys = 2 * len(statementSlots)

// StatementSpace is how many distinct statements MakeStatement makes: 20^5.
const StatementSpace = 20 * 20 * 20 * 20 * 20

// statementStride maps statement numbers to combinations of phrases: it is coprime with
// StatementSpace (2^10 * 5^5), so i -> i*statementStride mod StatementSpace is one to one, and
// consecutive statements differ in every slot.
const statementStride = 1_000_003

// MakeStatement returns the i-th statement (0 <= i < StatementSpace): "I gladly brew green tea with
// cheerful nephews in the sunny garden during rainy afternoons." Statements of different i are
// different, each has StatementKeys terms, and the default reconciler adds each beside any other
// (see statementSlots).
func MakeStatement(i int) string {
	if i < 0 || i >= StatementSpace {
		panic(fmt.Sprintf("bench: statement %d out of [0, %d)", i, StatementSpace))
	}
	return statement(statementPhrases(i))
}

// statementPhrases returns the phrase of each slot that statement i is made of.
func statementPhrases(i int) [len(statementSlots)]int {
	c := i * statementStride % StatementSpace
	var phrases [len(statementSlots)]int
	for s, list := range statementSlots {
		phrases[s] = c % len(list)
		c /= len(list)
	}
	return phrases
}

// statement returns the statement of the given phrase of each slot.
func statement(phrases [len(statementSlots)]int) string {
	var p [len(statementSlots)]string
	for s, list := range statementSlots {
		p[s] = list[phrases[s]]
	}
	return fmt.Sprintf("I %s %s with %s in the %s during %s.", p[0], p[1], p[2], p[3], p[4])
}
