package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/mnemohq/mnemo"
)

// The end-to-end workloads' sizes.
const (
	// ConversationCount conversations of ConversationTurns turns each are added by the Conversations
	// benchmark, for ConversationUsers users (ten conversations each).
	ConversationCount = 600
	ConversationTurns = 20
	ConversationUsers = 60
	// TextCount one-sentence texts are added by the Texts benchmark, spread over TextUsers users.
	TextCount = 5_000
	TextUsers = 50
	// BufferUsers users with BufferConversations conversation_id values each make the Buffers
	// benchmark's scopes, BufferRunsPerScope runs parked in each.
	BufferUsers         = 100
	BufferConversations = 10
	BufferRunsPerScope  = 10
	BufferScopes        = BufferUsers * BufferConversations
	BufferRuns          = BufferScopes * BufferRunsPerScope
	// Callers is how many goroutines add at once in the end-to-end benchmarks.
	Callers = 64
	// BigInputBytes is the size the Latency benchmark's large conversation is built to (its message
	// contents together).
	BigInputBytes = 6 << 20
)

// corpusSeed seeds every generator, so that every run of the benchmarks adds the same inputs.
const corpusSeed = 20261124

// conversationEpoch is when the first generated conversation starts.
var conversationEpoch = time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC)

// Conversation is one generated conversation and the user it is added for.
type Conversation struct {
	UserID   string
	Messages []mnemo.Message
	// Facts counts the sentences worth remembering in it, chit-chat aside: what an extractor that
	// keeps one memory per such sentence would create, before de-duplication.
	Facts int
}

// MakeConversations returns n deterministic synthetic conversations of turns turns each. Conversation i
// belongs to user i % ConversationUsers, so each user has several conversations that are added
// concurrently. Two named speakers alternate, the user's (role user, the same name for all of that
// user's conversations) and a friend's (role assistant); messages are a minute apart and carry IDs.
// A turn is one to three sentences of personal facts built from templates, word lists and numbers,
// so a sentence rarely repeats; about one turn in eight is pure chit-chat ("Thanks!", "Hi there!")
// and some content turns open with an interjection ("Oh nice!") that an extractor should drop.
func MakeConversations(n, turns int) []Conversation {
	out := make([]Conversation, n)
	for i := range out {
		rng := rand.New(rand.NewPCG(corpusSeed, uint64(i)))
		user := i % ConversationUsers
		speakers := [2]string{
			firstNames[user%len(firstNames)],
			pick(rng, firstNames),
		}
		if speakers[1] == speakers[0] {
			speakers[1] = firstNames[(user+1)%len(firstNames)]
		}
		start := conversationEpoch.Add(time.Duration(i) * 97 * time.Minute)
		c := Conversation{UserID: fmt.Sprintf("user-%03d", user), Messages: make([]mnemo.Message, turns)}
		for t := range turns {
			role := mnemo.RoleUser
			if t%2 == 1 {
				role = mnemo.RoleAssistant
			}
			content, facts := turn(rng, t, turns, speakers[(t+1)%2])
			c.Facts += facts
			c.Messages[t] = mnemo.Message{
				ID:        fmt.Sprintf("c%04d-m%02d", i, t),
				Role:      role,
				Name:      speakers[t%2],
				Content:   content,
				CreatedAt: start.Add(time.Duration(t) * time.Minute),
			}
		}
		out[i] = c
	}
	return out
}

// turn returns the content of turn t of a conversation and how many of its sentences are facts.
// other is the name of the speaker addressed.
func turn(rng *rand.Rand, t, turns int, other string) (string, int) {
	switch {
	case t == 0:
		if rng.IntN(2) == 0 {
			return pick(rng, greetings), 0
		}
		return "Hey " + other + "!", 0
	case t == turns-1 && rng.IntN(2) == 0:
		return pick(rng, farewells), 0
	case rng.IntN(8) == 0:
		return pick(rng, acknowledgements), 0
	}
	var b strings.Builder
	facts := 0
	if rng.IntN(5) == 0 {
		b.WriteString(pick(rng, interjections))
	}
	for range 1 + rng.IntN(3) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		if rng.IntN(6) == 0 {
			b.WriteString(question(rng))
		} else {
			b.WriteString(fact(rng))
		}
		facts++
	}
	return b.String(), facts
}

// fact returns one first-person sentence of personal facts.
func fact(rng *rand.Rand) string {
	n := func(lo, hi int) int { return lo + rng.IntN(hi-lo+1) }
	w := func(list []string) string { return pick(rng, list) }
	switch rng.IntN(30) {
	case 0:
		return fmt.Sprintf("I moved to %s in %d and still rent a %d-bedroom flat near the %s.", w(cities), n(1995, 2024), n(1, 4), w(places))
	case 1:
		return fmt.Sprintf("My %s %s turns %d on %s %d, so we are planning a %s at %s.", w(relatives), w(firstNames), n(5, 90), w(months), n(1, 28), w(events), w(venues))
	case 2:
		return fmt.Sprintf("I have been learning the %s from %s for %d months and practise about %d minutes a day.", w(instruments), w(firstNames), n(2, 40), 5*n(2, 24))
	case 3:
		return fmt.Sprintf("Our %s %s is %d years old, weighs %d kilos and only eats %s.", w(pets), w(petNames), n(1, 17), n(1, 40), w(petFoods))
	case 4:
		return fmt.Sprintf("I work as a %s at %s, mostly with the %s team of %d people.", w(jobs), w(companies), w(teams), n(3, 60))
	case 5:
		return fmt.Sprintf("Last %s I ran %d kilometres along the %s in %d minutes.", w(weekdays), n(3, 30), w(rivers), n(18, 190))
	case 6:
		return fmt.Sprintf("I found out I'm allergic to %s at a dinner with %s when I was %d, so I always ask about it when we order %s food.", w(allergens), w(firstNames), n(3, 50), w(cuisines))
	case 7:
		return fmt.Sprintf("My favourite book right now is %s, which my %s recommended, and I'm on chapter %d of %d.", w(books), w(relatives), n(2, 30), n(31, 60))
	case 8:
		return fmt.Sprintf("We booked %d nights in %s for %s, and the hotel costs %d euros a night.", n(2, 14), w(cities), w(months), 5*n(12, 60))
	case 9:
		return fmt.Sprintf("I usually drink %s at my desk on floor %d in the morning and switch to %s after %d o'clock.", w(drinks), n(1, 30), w(drinks), n(1, 11))
	case 10:
		return fmt.Sprintf("My %s %s started grade %d this year and loves %s.", w(children), w(firstNames), n(1, 12), w(subjects))
	case 11:
		return fmt.Sprintf("I've been vegetarian since %d, although I still eat %s at my %s's place maybe %d times a year.", n(1990, 2024), w(exceptions), w(relatives), n(2, 12))
	case 12:
		return fmt.Sprintf("I'm saving %d dollars a month for a %s, and I have %d so far.", 50*n(2, 30), w(purchases), 100*n(3, 90))
	case 13:
		return fmt.Sprintf("My %s has lived in %s for %d years and works as a %s.", w(relatives), w(cities), n(1, 40), w(jobs))
	case 14:
		return fmt.Sprintf("I have played %s with %d friends every %s evening at the %s since %d.", w(sports), n(2, 11), w(weekdays), w(venues), n(1998, 2024))
	case 15:
		return fmt.Sprintf("I grew up in %s on %s Street with %d siblings, and my first school was %d minutes away on foot.", w(cities), w(streets), n(1, 6), n(3, 45))
	case 16:
		return fmt.Sprintf("I just finished a %d-piece puzzle of %s with my %s, and it took us %d evenings.", 250*n(2, 12), w(scenes), w(relatives), n(2, 30))
	case 17:
		return fmt.Sprintf("My car is a %d %s with about %d thousand kilometres on it.", n(2002, 2024), w(carMakes), n(8, 290))
	case 18:
		return fmt.Sprintf("I'm training for a %s in %s, and my goal is to finish under %d hours and %d minutes.", w(races), w(months), n(1, 5), n(0, 59))
	case 19:
		return fmt.Sprintf("I planted %d %s seedlings on the balcony in %s, and %d of them survived.", n(4, 40), w(plants), w(months), n(1, 4))
	case 20:
		return fmt.Sprintf("My best friend %s is getting married in %s on %s %d.", w(firstNames), w(cities), w(months), n(1, 28))
	case 21:
		return fmt.Sprintf("I need to renew my passport before %s %d, %d, for a trip to %s.", w(months), n(1, 28), n(2025, 2031), w(cities))
	case 22:
		return fmt.Sprintf("I started a new job at %s on %s %d as a %s.", w(companies), w(months), n(1, 28), w(jobs))
	case 23:
		return fmt.Sprintf("I volunteer at the %s with %s every %d weeks, usually on %s mornings for %d hours.", w(orgs), w(firstNames), n(1, 6), w(weekdays), n(2, 6))
	case 24:
		return fmt.Sprintf("My commute is %d minutes by %s, and I spend it listening to the %s podcasts %s recommended.", n(5, 95), w(transports), w(topics), w(firstNames))
	case 25:
		return fmt.Sprintf("I'm reading about %s because I told my %s %s that I want to %s by %d.", w(topics), w(relatives), w(firstNames), w(goals), n(2025, 2035))
	case 26:
		return fmt.Sprintf("We adopted a %s named %s from a shelter in %s in %d.", w(pets), w(petNames), w(cities), n(2005, 2024))
	case 27:
		return fmt.Sprintf("I go to bed at %d:%02d, sleep about %d hours a night and my alarm goes off at %d:%02d.", n(9, 12), 5*n(0, 11), n(5, 9), n(4, 9), 5*n(0, 11))
	case 28:
		return fmt.Sprintf("I can't stand %s, but I could eat the %s %s makes %d days a week.", w(dislikes), w(dishes), w(firstNames), n(2, 7))
	default:
		return fmt.Sprintf("My %s taught me how to cook %s when I was %d, using %d cloves of garlic.", w(relatives), w(dishes), n(6, 30), n(1, 12))
	}
}

// question returns a question one speaker asks the other, with content in it.
func question(rng *rand.Rand) string {
	switch rng.IntN(4) {
	case 0:
		return fmt.Sprintf("Did you ever go back to %s to see %s after %d?", pick(rng, cities), pick(rng, firstNames), 1990+rng.IntN(35))
	case 1:
		return fmt.Sprintf("Did you take all %d of those %s lessons with %s before the concert in %s?", 4+rng.IntN(40), pick(rng, instruments), pick(rng, firstNames), pick(rng, months))
	case 2:
		return fmt.Sprintf("Is your %s %s still working at %s after %d years?", pick(rng, relatives), pick(rng, firstNames), pick(rng, companies), 2+rng.IntN(30))
	default:
		return fmt.Sprintf("What did %s think of the %s place on %s Street that opened %d weeks ago?", pick(rng, firstNames), pick(rng, cuisines), pick(rng, streets), 2+rng.IntN(20))
	}
}

// MakeTexts returns n distinct one-sentence texts, such as "User 17 prefers green tea in the morning.",
// and the user each is added for (text i for user i % TextUsers).
func MakeTexts(n int) (texts, users []string) {
	texts, users = make([]string, n), make([]string, n)
	rng := rand.New(rand.NewPCG(corpusSeed, 1<<40))
	for i := range n {
		w := func(list []string) string { return pick(rng, list) }
		switch i % 5 {
		case 0:
			texts[i] = fmt.Sprintf("User %d prefers %s in the morning.", i, w(drinks))
		case 1:
			texts[i] = fmt.Sprintf("User %d lives in %s with a %s named %s.", i, w(cities), w(pets), w(petNames))
		case 2:
			texts[i] = fmt.Sprintf("User %d works as a %s at %s.", i, w(jobs), w(companies))
		case 3:
			texts[i] = fmt.Sprintf("User %d plays %s every %s.", i, w(sports), w(weekdays))
		default:
			texts[i] = fmt.Sprintf("User %d is allergic to %s and avoids %s food.", i, w(allergens), w(cuisines))
		}
		users[i] = fmt.Sprintf("user-%03d", i%TextUsers)
	}
	return texts, users
}

// BufferScope is the scope of the Buffers benchmark's run i: scope i % BufferScopes, so that
// concurrent adds go to different buffers, each of which ends with BufferRunsPerScope runs. Scope s
// belongs to user s / BufferConversations, with conversation_id s % BufferConversations.
func BufferScope(i int) (userID, conversationID string) {
	s := i % BufferScopes
	return fmt.Sprintf("user-%03d", s/BufferConversations), fmt.Sprintf("conv-%02d", s%BufferConversations)
}

// MakeBufferTexts returns n distinct one-sentence texts of personal facts, from the templates of
// MakeConversations ("I moved to Lisbon in 2014 and still rent a 2-bedroom flat near the old
// harbour."): a sentence that repeats an earlier one, case aside, is drawn again. One sentence each,
// so that each text is one fact and one memory.
func MakeBufferTexts(n int) []string {
	rng := rand.New(rand.NewPCG(corpusSeed, 2<<40))
	texts := make([]string, 0, n)
	seen := make(map[string]bool, n)
	for len(texts) < n {
		s := fact(rng)
		if k := strings.ToLower(s); !seen[k] {
			seen[k] = true
			texts = append(texts, s)
		}
	}
	return texts
}

// MakeBigConversation returns a conversation whose message contents add up to at least size bytes, of
// lines alike but for a number ("I enjoy hiking in the hills every weekend, and this is note number
// 17 about it."), from two speakers alternating user and assistant roles, a second apart.
func MakeBigConversation(size int) []mnemo.Message {
	var msgs []mnemo.Message
	total := 0
	for i := 0; total < size; i++ {
		m := mnemo.Message{
			ID:        fmt.Sprintf("big-%06d", i),
			Role:      mnemo.RoleUser,
			Name:      "Alice",
			Content:   fmt.Sprintf("I enjoy hiking in the hills every weekend, and this is note number %d about it.", i),
			CreatedAt: conversationEpoch.Add(time.Duration(i) * time.Second),
		}
		if i%2 == 1 {
			m.Role, m.Name = mnemo.RoleAssistant, "Bob"
		}
		msgs = append(msgs, m)
		total += len(m.Content)
	}
	return msgs
}

// probeText is the i-th probe of the Latency benchmark: one sentence, different for every i.
func probeText(i int) string {
	return fmt.Sprintf("Probe %d: the user checked the weather in %s at minute %d.", i, cities[i%len(cities)], i%60)
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

// Chit-chat: every sentence here is small talk made only of greeting, thanks and acknowledgement
// words, which mnemo's default extractor drops.
var (
	greetings        = []string{"Hi there!", "Hello!", "Good morning!", "Hey, how are you?", "Hi! How have you been?", "Good evening!"}
	farewells        = []string{"Thanks, talk soon!", "See you later!", "Bye for now!", "Thank you so much!", "Take care!", "Talk to you soon!"}
	acknowledgements = []string{"Thanks!", "That's great!", "Sounds good.", "Haha, nice!", "Oh wow!", "Cool!", "Awesome, thanks!", "Okay, got it.", "Wow, that's amazing!", "Nice!"}
	interjections    = []string{"Oh nice!", "Wow!", "Haha!", "Oh, cool!", "That's great!"}
)

// Word lists for the templates.
var (
	firstNames = []string{"Caroline", "Melanie", "James", "Priya", "Tomasz", "Aiko", "Lucas", "Fatima", "Oliver", "Sofia",
		"Mateo", "Hannah", "Kwame", "Elena", "Ravi", "Ingrid", "Diego", "Mei", "Noah", "Amara", "Jonas", "Leila",
		"Pierre", "Yuki", "Samuel", "Zara", "Henrik", "Nadia", "Omar", "Chloe", "Viktor", "Anika", "Rafael", "Grace",
		"Emil", "Lucia", "Tariq", "Freya", "Andrei", "Maya", "Kenji", "Isla", "Bruno", "Esther", "Felix", "Rosa",
		"Arjun", "Clara", "Malik", "Sienna", "Hugo", "Alma", "Dmitri", "Nora", "Theo", "Lina", "Marcus", "Ada",
		"Santiago", "Vera", "Idris", "Elsa", "Kofi", "Iris"}
	cities = []string{"Berlin", "Lisbon", "Toronto", "Osaka", "Nairobi", "Melbourne", "Krakow", "Austin", "Lyon",
		"Bergen", "Porto", "Seoul", "Denver", "Glasgow", "Valencia", "Montreal", "Bologna", "Cape Town", "Tallinn",
		"Auckland", "Ghent", "Kyoto", "Boise", "Leipzig", "Cork", "Hanoi", "Quito", "Aarhus", "Tucson", "Bristol"}
	places      = []string{"train station", "old harbour", "university", "central park", "market hall", "river", "cathedral", "stadium", "botanical garden", "city library"}
	relatives   = []string{"sister", "brother", "mother", "father", "grandmother", "grandfather", "aunt", "uncle", "cousin", "niece", "nephew", "partner", "husband", "wife"}
	children    = []string{"daughter", "son", "stepdaughter", "stepson"}
	events      = []string{"surprise party", "picnic", "dinner", "weekend trip", "barbecue", "boat tour", "karaoke night", "garden party"}
	venues      = []string{"community centre", "lake house", "rooftop bar", "tennis club", "old brewery", "park pavilion", "sports hall", "beach cafe", "town hall", "bowling alley"}
	instruments = []string{"piano", "cello", "violin", "guitar", "ukulele", "saxophone", "drums", "flute", "trumpet", "harp", "accordion", "clarinet"}
	pets        = []string{"cat", "dog", "rabbit", "parrot", "tortoise", "hamster", "beagle", "greyhound", "ferret", "guinea pig"}
	petNames    = []string{"Biscuit", "Luna", "Pepper", "Milo", "Nala", "Ziggy", "Mochi", "Olive", "Rufus", "Pickle", "Juniper", "Waffles", "Sprout", "Tofu", "Bramble"}
	petFoods    = []string{"salmon pate", "dry kibble", "fresh carrots", "chicken hearts", "sunflower seeds", "dandelion leaves", "grain-free pellets", "boiled rice and turkey"}
	jobs        = []string{"nurse", "civil engineer", "data analyst", "primary school teacher", "pharmacist", "carpenter",
		"software developer", "translator", "architect", "paramedic", "accountant", "graphic designer", "chef", "librarian", "physiotherapist"}
	companies = []string{"Northwind Logistics", "a small bakery", "the city hospital", "Bluefin Analytics", "a design studio",
		"the regional airport", "Helios Solar", "a law firm", "the public library", "Greenleaf Foods", "a bike shop", "the local newspaper"}
	teams      = []string{"billing", "research", "night shift", "customer support", "infrastructure", "marketing", "quality", "planning"}
	weekdays   = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	months     = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	rivers     = []string{"canal", "river path", "lake shore", "harbour front", "old railway line", "forest trail", "sea wall"}
	allergens  = []string{"peanuts", "shellfish", "sesame", "gluten", "kiwi", "cashews", "eggs", "soy", "mustard", "celery"}
	cuisines   = []string{"Thai", "Ethiopian", "Mexican", "Korean", "Lebanese", "Peruvian", "Vietnamese", "Greek", "Indian", "Georgian"}
	books      = []string{"Middlemarch", "The Left Hand of Darkness", "Piranesi", "Beloved", "The Overstory", "Dune", "Stoner", "Circe", "Pachinko", "The Remains of the Day"}
	drinks     = []string{"green tea", "black coffee", "oat milk lattes", "mint tea", "espresso", "hot chocolate", "rooibos", "chai", "sparkling water", "orange juice"}
	subjects   = []string{"maths", "drawing", "football", "science experiments", "reading comics", "music class", "swimming", "geography"}
	exceptions = []string{"fish", "chicken soup", "bacon", "sushi", "my mother's meatballs", "turkey at Christmas"}
	purchases  = []string{"new bicycle", "trip to Japan", "used car", "wedding", "laptop", "house deposit", "sailing course", "piano"}
	sports     = []string{"badminton", "volleyball", "five-a-side football", "table tennis", "basketball", "squash", "ultimate frisbee", "padel"}
	scenes     = []string{"a lighthouse", "the Alps", "a night market", "Venice", "a coral reef", "an old library", "a harbour at dusk", "autumn woods"}
	carMakes   = []string{"Toyota Corolla", "Volkswagen Golf", "Honda Civic", "Skoda Octavia", "Ford Focus", "Subaru Outback", "Volvo estate", "Mazda 3"}
	races      = []string{"half marathon", "marathon", "10k race", "triathlon", "trail race", "charity bike ride"}
	plants     = []string{"tomato", "basil", "chili", "strawberry", "lavender", "sunflower", "cucumber", "mint"}
	orgs       = []string{"food bank", "animal shelter", "youth football club", "library reading group", "community garden", "hospice shop"}
	transports = []string{"bus", "tram", "bike", "train", "ferry", "car"}
	topics     = []string{"history", "astronomy", "personal finance", "gardening", "true crime", "language learning", "climate", "design"}
	goals      = []string{"run my own bakery", "speak fluent Spanish", "build a small cabin", "change careers", "retire early", "sail across the Baltic", "publish a novel"}
	dislikes   = []string{"olives", "coriander", "blue cheese", "licorice", "raw onions", "mayonnaise", "pickled herring", "anchovies"}
	dishes     = []string{"lasagne", "ramen", "dumplings", "paella", "shakshuka", "curry", "risotto", "tacos", "pierogi", "pho", "goulash", "falafel"}
	streets    = []string{"Elm", "Harbour", "Mill", "Station", "Church", "Garden", "King", "Bridge", "Market", "Oak"}
)
