/**
 * The held-out evaluation set for the bundled `sentiment` model: sentences written by hand for this test
 * (reviews of movies, products, restaurants and hotels; negations; "but"; plain factual statements).
 * Nothing is fitted on them: the model's few classifier parameters are fitted on a separate set in
 * `scripts/lib/sentiment-fit-sentences.ts`, and the golden test checks that the two sets share no sentence.
 */
export type SentimentLabel = 'NEGATIVE' | 'NEUTRAL' | 'POSITIVE';

export interface LabelledSentence {
  text: string;
  label: SentimentLabel;
}

/** Sentences the golden test requires the model to get right, whatever its overall accuracy. */
export const REQUIRED_SENTENCES: readonly LabelledSentence[] = [
  { text: 'I loved this movie', label: 'POSITIVE' },
  { text: 'this was not good at all', label: 'NEGATIVE' },
  { text: 'the movie starts at 8pm', label: 'NEUTRAL' },
];

const POSITIVE = [
  'The acting was brilliant and the soundtrack was beautiful.',
  'Best pizza I have had in years!',
  'The staff were friendly and the food was delicious.',
  'This vacuum cleaner works great and was easy to set up.',
  'Not bad at all, I would happily order again.',
  'The plot was a bit slow at first, but the ending was fantastic.',
  "I can't complain, the headphones sound amazing.",
  'What a wonderful evening, thank you to the whole team.',
  'The battery lasts for days and I really like the screen.',
  'Our waiter was attentive and the dessert was excellent.',
  'A charming, funny film with a lovely cast.',
  'Highly recommend this shop, great service.',
  'The shoes are comfortable and look stylish.',
  'I was worried about the size, but it fits perfectly.',
  'Everything arrived on time and works perfectly.',
  'This is the most enjoyable book I have read this year.',
  'The sequel is even better than the original.',
  'Fresh ingredients, generous portions and a cozy atmosphere.',
  'I never had any problems with this laptop.',
  'Absolutely stunning photography and a moving story.',
  'My kids were thrilled with the gift.',
];

const NEGATIVE = [
  'The food was cold and the service was terrible.',
  'Worst customer support I have ever dealt with.',
  'The movie was boring and far too long.',
  'The charger stopped working after two days.',
  'I would not recommend this hotel to anyone.',
  'The screen is nice, but the battery life is awful.',
  'I was really disappointed with the ending.',
  'The waiter was rude and ignored us for half an hour.',
  'What a waste of money.',
  'The product arrived broken and the refund took weeks.',
  'The soup was bland and the bread was stale.',
  'I hate how loud this fan is.',
  'The story made no sense and the dialogue was painful.',
  'Never again, this place is a disaster.',
  'The instructions were confusing and the parts did not fit.',
  'It looks good, but it broke within a week.',
  'Sadly the sequel is a mess.',
  'The hotel room was dirty and smelled awful.',
  "I didn't enjoy the film, the jokes fell flat.",
  'Terrible quality, the fabric tore after one wash.',
  'The app keeps crashing and support never answers.',
];

const NEUTRAL = [
  'The package arrived on Tuesday.',
  'The restaurant is on the corner of Main Street.',
  'The phone comes in black and silver.',
  'I ordered the pasta and a glass of water.',
  'The film runs for two hours and ten minutes.',
  'The store opens at nine on weekdays.',
  'This blender has three speed settings.',
  'We watched the movie on Saturday night.',
  'The hotel is ten minutes from the airport.',
  'The book has twelve chapters.',
  'The menu changes every season.',
  'The box contains a cable and a user manual.',
  'The director also wrote the screenplay.',
  'My order number is 4471.',
  'The laptop weighs about two kilograms.',
];

export const SENTIMENT_SENTENCES: readonly LabelledSentence[] = [
  ...REQUIRED_SENTENCES,
  ...POSITIVE.map((text) => ({ text, label: 'POSITIVE' as const })),
  ...NEGATIVE.map((text) => ({ text, label: 'NEGATIVE' as const })),
  ...NEUTRAL.map((text) => ({ text, label: 'NEUTRAL' as const })),
];
