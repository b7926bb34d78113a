package rules_test

import (
	"testing"

	"github.com/mnemohq/mnemo/pipeline/rules"
)

func TestIsChitChat(t *testing.T) {
	t.Parallel()
	chitChat := []string{
		"Hi!", "Hey Mel!", "Hello there", "Good morning", "Good morning, Alice.", "Thanks!", "Thank you so much.",
		"Thanks, Mel!", "How are you?", "Good to see you!", "Nice to meet you", "How have you been?",
		"See you later", "ok", "Sure.", "yes", "lol", "Wow!", "Cool", "Wow, that's cool!", "Sounds good.",
		"That's awesome!", "What's up with you?", "Anything new?", "You're welcome!", "No problem.",
		"Wow, that's cool, Caroline!", "Haha, so true", "I see.", "Got it, thanks!", "Bye, take care!",
		"Thank you ’so’ much", "?!", "", "How can I help you today?", "Anything else I can help with?",
	}
	for _, s := range chitChat {
		if !rules.IsChitChat(s) {
			t.Errorf("IsChitChat(%q) = false, want true", s)
		}
	}
	content := []string{
		"I'm vegetarian.", "Hey, I moved to Berlin last year.", "Thanks to my sister, I got the job.",
		"No, I live in Paris.", "I love hiking.", "Paris is great.", "I'm swamped with the kids & work.",
		"Wow, love that painting!", "So cool you found such a helpful group.", "My budget is 1,200 euros.",
		"I went to a LGBTQ support group yesterday.", "Do you know a good vegan restaurant?",
		"Hi, my name is Bob.", "Good morning, I start my new job today.", "See you in Lisbon in May!",
		"The meeting moved to Friday.", "Alice prefers async Python.", "We adopted a dog named Miso.",
		"Thanks for the book recommendation, I loved Dune.", "Yes, Caroline runs marathons.", "Can you help me find a vegan restaurant?",
	}
	for _, s := range content {
		if rules.IsChitChat(s) {
			t.Errorf("IsChitChat(%q) = true, want false", s)
		}
	}
}
