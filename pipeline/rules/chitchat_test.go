package rules_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/mnemohq/mnemo/pipeline/rules"
)

func TestIsChitChat(t *testing.T) {
	t.Parallel()
	chitChat := []string{
		// greetings
		"Hi!", "Hey Mel!", "Hello there", "Good morning", "Good morning, Caroline!", "Hey there, Mel :)",
		"Hi Mel, how are you?", "heyyy",
		// thanks
		"Thanks!", "Thank you so much.", "Thanks a lot, John!", "Thanks for asking.", "Many thanks.", "No problem!", "You're welcome.",
		// pleasantries
		"How are you?", "Good to see you!", "Nice to meet you", "How have you been?", "See you later",
		"How’s it going?", "What's up?", "How's it going, Mel?", "What's up, Mel?", "I'm doing great, thanks!", "Have a great day!", "Take care!",
		"Glad to hear that!", "How can I help you today?", "Anything else I can help with?", "Long time no see!", "Bye bye!",
		// one-word replies
		"ok", "Sure.", "yes", "lol", "Wow!", "Cool", "Vegetarian.", "42",
		// acknowledgements
		"Wow, that's cool!", "Sounds good.", "That's awesome!", "Sounds like a plan!", "Same here.",
		"Of course!", "Oh wow, that's amazing!", "haha that's so funny", "Makes sense.", "Me neither.",
		"I agree!", "Yes, I am.",
		// no words at all
		"", "😊", "...", "?!",
	}
	content := []string{
		"I'm vegetarian.", "Hey, I moved to Berlin last year.", "Thanks to my sister, I got the job.",
		"No, I live in Paris.", "I love hiking.", "Hello, I'm Anna.", "Hi, my name is Caroline.",
		"I went to a LGBTQ support group yesterday.", "What time is the meeting?", "Are you vegetarian?",
		"How do I reset my password?", "Good morning, I start my new job today.", "My birthday is on May 5.",
		"I have two cats.", "Hi Berlin is great", "I'm allergic to peanuts.",
		"Thanks for the book, I finished it in two days.", "Wow, I just ran my first marathon!",
		"See you in Tokyo next week!", "Sure, I'll send the report on Monday.", "Congrats on the new job!",
		"I am 34 years old.", "I need help with my taxes.", "I'm new here.", "It was so powerful.", "I'm not.", "Happy birthday!", "How was your weekend?",
		"Thanks, Mel and John!", "I don't like it.", "hey mel",
	}
	for _, s := range chitChat {
		if !rules.IsChitChat(s) {
			t.Errorf("IsChitChat(%q) = false, want true", s)
		}
	}
	for _, s := range content {
		if rules.IsChitChat(s) {
			t.Errorf("IsChitChat(%q) = true, want false", s)
		}
	}
}

func FuzzIsChitChat(f *testing.F) {
	for _, s := range []string{"Hey Mel!", "I'm vegetarian.", "Thanks, Mel and John!", "\xff’'", "’Hi’ Mel"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		chitChat := rules.IsChitChat(s)
		// An unknown word first is never addressed to anyone, so it makes any sentence content.
		if rules.IsChitChat("Zyzzyva "+s) && strings.ContainsFunc(s, unicode.IsLetter) {
			t.Fatalf("IsChitChat(%q) = true", "Zyzzyva "+s)
		}
		if chitChat != rules.IsChitChat(s) {
			t.Fatalf("IsChitChat(%q) is not deterministic", s)
		}
	})
}
