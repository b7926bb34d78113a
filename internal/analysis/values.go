package analysis

import (
	"strconv"
	"strings"
)

// numberWords are the English number words that have a Value, in lower case: the numbers up to
// twenty and the tens. Compounds ("twenty-five") are read by compoundNumbers.
var numberWords = map[string]int{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
	"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
	"forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}

// calendarWords are the weekdays and months, in lower case, written in full: abbreviations ("Sat",
// "Sun", "Jan") are words too often ("sat down", "the sun", Jan the name).
var calendarWords = setOf(
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december",
)

// capitalMonths are the months that are months only when capitalised: "may" and "march" are verbs.
var capitalMonths = setOf("may", "march")

// value returns the Value of a word (see Word.Value): lower is the word in lower case, capital
// reports whether it was written with a capital first letter.
func value(lower string, capital bool) string {
	switch {
	case lower == "":
		return ""
	case '0' <= lower[0] && lower[0] <= '9':
		return numberValue(lower)
	case calendarWords[lower]:
		if capitalMonths[lower] && !capital {
			return ""
		}
		return lower
	}
	if n, ok := numberWords[lower]; ok {
		return strconv.Itoa(n)
	}
	return ""
}

// numberValue returns the canonical form of the number that word, starting with an ASCII digit,
// begins with: its leading digits, commas and dots, without the commas (thousands separators), the
// leading zeros of its integer part and the trailing zeros of its fraction. So "1,000", "2nd", "4.50"
// and "05" are 1000, 2, 4.5 and 5. Runs with more than one dot (versions, dotted dates) are kept as
// they are, commas aside.
func numberValue(word string) string {
	end := 0
	for end < len(word) && (isDigit(word[end]) || word[end] == ',' || word[end] == '.') {
		end++
	}
	s := strings.TrimRight(strings.ReplaceAll(word[:end], ",", ""), ".")
	if strings.Count(s, ".") > 1 {
		return s
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole = strings.TrimLeft(whole, "0"); whole == "" {
		whole = "0"
	}
	if frac = strings.TrimRight(frac, "0"); frac == "" {
		return whole
	}
	return whole + "." + frac
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// compoundNumbers gives both words of a compound number word the value of the whole: "twenty-five"
// and "twenty five" are two words, each valued 25.
func compoundNumbers(ws []Word) {
	for i := 0; i+1 < len(ws); i++ {
		tens, ok := numberWords[ws[i].Lower]
		if !ok || tens < 20 || tens%10 != 0 || ws[i+1].Clause != ws[i].Clause {
			continue
		}
		if unit, ok := numberWords[ws[i+1].Lower]; ok && 1 <= unit && unit <= 9 {
			v := strconv.Itoa(tens + unit)
			ws[i].Value, ws[i+1].Value = v, v
		}
	}
}
