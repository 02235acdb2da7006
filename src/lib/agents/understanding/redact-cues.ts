// The words that say what a number (or a word) is. Redaction decides by these, not by the digits
// alone: "my pin is 4821" and "apartment 4821" differ only in the cue.

export type SecretKind =
	| 'card'
	| 'cvv'
	| 'pin'
	| 'national_id'
	| 'password'
	| 'bank_account'
	/** A long run of digits nothing explains: removed whole rather than guessed at. */
	| 'long_number';

/**
 * `ident` names a harmless identifier (IMEI, order, tracking…) strong enough to keep a number that
 * looks like a card; `plain` is any other harmless label (account, zip, phone…); `passcode` is a
 * PIN when digits follow and a password when words do.
 */
export type CueKind = SecretKind | 'passcode' | 'ident' | 'plain';

const PHRASES: [CueKind, string[]][] = [
	[
		'card',
		[
			'card',
			'card number',
			'cards',
			"card's",
			'credit card',
			'debit card',
			'visa',
			'mastercard',
			'master card',
			'amex',
			'american express',
			'discover',
			'jcb',
			'diners club',
			'long number',
			'number on the card',
			'numbers on my card',
			'numbers on the card',
			'number on my card'
		]
	],
	[
		'cvv',
		[
			'cvv',
			'cvv2',
			'cvc',
			'cvc2',
			'csc',
			'cid',
			'cvv code',
			'cvc code',
			'security code',
			'security number',
			'card code',
			'card security code',
			'verification value',
			'three digit code',
			'3 digit code',
			'three digit number',
			'3 digit number',
			'three digits',
			'3 digits',
			'four digit code on the front',
			'on the back',
			'on back',
			'on the back of the card',
			'on the back of my card'
		]
	],
	[
		'pin',
		[
			'pin',
			"pin's",
			'pins',
			'pincode',
			'pin number',
			'pin code',
			'security pin',
			'personal identification number',
			'four digit code',
			'4 digit code'
		]
	],
	['passcode', ['passcode', "passcode's", 'pass code', 'access code']],
	[
		'national_id',
		[
			'ssn',
			"ssn's",
			'social',
			"social's",
			'social security',
			'social security number',
			'social security no',
			'social insurance',
			'social insurance number',
			'sin',
			'national insurance',
			'national insurance number',
			'ni number',
			'nino',
			'national id',
			'national id number',
			'national identity number',
			'id number',
			'identity number',
			'identity card',
			'id card number',
			'passport',
			'passport number',
			'passport no',
			'tax id',
			'tax number',
			'tax id number',
			'tin',
			'itin',
			'ein',
			'employer id',
			'employer id number',
			'employer identification number',
			"driver's license",
			"driver's license number",
			'drivers license',
			'drivers license number',
			"driver's licence",
			"driver's licence number",
			'drivers licence',
			'driving licence',
			'driving license',
			'license number',
			'licence number',
			'aadhaar',
			'aadhar',
			'dni',
			'nie',
			'nif',
			'bsn',
			'codice fiscale',
			'personnummer',
			'steuer id',
			'medicare number'
		]
	],
	[
		'bank_account',
		[
			'iban',
			"iban's",
			'bank account',
			'bank account number',
			'bank account no',
			'bank',
			'checking',
			'checking account',
			'checking account number',
			'chequing',
			'chequing account',
			'savings',
			'savings account',
			'savings account number',
			'routing',
			'routing number',
			'aba',
			'sort code',
			'bsb',
			'direct debit',
			'account and routing',
			'routing and account'
		]
	],
	[
		'password',
		[
			'password',
			"password's",
			'passwords',
			'passwd',
			'pwd',
			'passphrase',
			'pass word',
			'pass phrase',
			'memorable word',
			'memorable information',
			'secret word',
			'secret answer',
			'security answer'
		]
	],
	[
		'ident',
		[
			'imei',
			'imei number',
			'meid',
			'serial',
			'serial number',
			'iccid',
			'sim',
			'sim card',
			'sim number',
			'sim card number',
			'eid',
			'order',
			'order number',
			'order id',
			'tracking',
			'tracking number',
			'reference',
			'ref',
			'confirmation',
			'confirmation number',
			'case',
			'case number',
			'ticket',
			'invoice',
			'rma',
			'dispute',
			'voucher',
			'gift card',
			'promo code',
			'model',
			'version',
			'update',
			'security update'
		]
	],
	[
		'plain',
		[
			'account',
			'account number',
			'account id',
			'customer id',
			'customer number',
			'member id',
			'member number',
			'user id',
			'zip',
			'zip code',
			'postal code',
			'postcode',
			'area code',
			'phone',
			'phone number',
			'cell',
			'mobile',
			'extension',
			'ext',
			'ending',
			'ending in',
			'ends in',
			'last four',
			'last 4',
			'last four digits',
			'last digits'
		]
	]
];

const LEXICON = new Map<string, CueKind>();
for (const [kind, phrases] of PHRASES) for (const p of phrases) LEXICON.set(p, kind);
export let LONGEST_CUE = Math.max(...[...LEXICON.keys()].map((p) => p.split(' ').length));

export function cueOf(phrase: string): CueKind | undefined {
	return LEXICON.get(phrase);
}

/**
 * What a flow's callers call their secret ("member code", "pickup code"): each phrase reads like
 * "passcode", so digits after it are taken once for verification and removed everywhere. A phrase
 * that already names another secret or label keeps its meaning. Only ever adds: more is redacted.
 */
export function addPasscodeCues(phrases: readonly string[]): void {
	for (const raw of phrases) {
		const phrase = raw
			.toLowerCase()
			.replace(/[^a-z0-9' ]+/g, ' ')
			.replace(/\s+/g, ' ')
			.trim();
		const words = phrase.split(' ').length;
		if (!phrase || words > 4 || LEXICON.has(phrase)) continue;
		LEXICON.set(phrase, 'passcode');
		LONGEST_CUE = Math.max(LONGEST_CUE, words);
	}
}

/** Words that may sit between a cue and its value: "my pin, um, it's 4821". */
export const GLUE = new Set(
	(
		"is was are were be 's it it's its my the a an this that that's thats number numbers no num # : = , - " +
		'um uh er erm umm uhh hmm like so okay ok just current new old full whole entire actual here equals ' +
		'reads spelled i think believe mean guess please sorry yeah yes well again which as being would should ' +
		'will going to ? also code digit digits'
	).split(' ')
);

/** "the pin for my account": a cue after one of these describes the cue before it. */
export const OF_WORDS = new Set(['for', 'of', 'on', 'to', 'with', 'in', 'from']);
export const DETERMINERS = new Set(['my', 'the', 'your', 'this', 'that', 'our', 'his', 'her']);

/**
 * Words that describe a password rather than being one: "my password is not working", "the
 * password is the same as before". A value made only of these is not a secret.
 */
export const ABOUT_PASSWORDS = new Set(
	(
		'not no never wrong incorrect invalid expired expiring locked blocked disabled broken working work works ' +
		"won't doesn't isn't didn't wasn't correct right ok okay fine good bad weak strong too long short simple same " +
		'different as before after now still anymore again yet reset changed change changing updated lost forgotten ' +
		'forgot stolen hacked compromised case sensitive valid accepted rejected being been getting recognized ' +
		'recognised required needed set up new old the a an my your his her their our it this that these those what ' +
		'which who how why where when something anything nothing for to of on in at by with without from me you him ' +
		'them us and or but so is was are were be app online website site portal account email login router sticker ' +
		'box paper written saved stored phone computer laptop back bottom card mine yours there here just only also ' +
		'really very definitely probably maybe one i do did does have has had need needs want same thing stuff ' +
		'asking saying think know remember'
	).split(' ')
);

/** Words that end a spoken password: "my password is hunter2 and my pin is…". */
export const PASSWORD_STOPS = new Set(
	'and but so because please thanks thank then also which if when or though anyway my i'.split(' ')
);

/** What a caller says before the words they are labelling: "it's", "I think", "um". */
export const LEAD_INS = new Set(
	"it's its it is i i'm im think guess pretty sure believe um uh oh okay ok well yeah yes so and the that's".split(
		' '
	)
);

/** Units and labels after a number that make it a quantity, a time or money, never a secret. */
export const QUANTITY_AFTER = new Set(
	(
		'dollars dollar bucks usd euros euro pounds pound cents percent % gb mb gigs gig gigabytes minutes minute ' +
		"hours hour days day weeks week months month years year am pm o'clock times lines line phones mbps " +
		'texts messages calls bars people'
	).split(' ')
);
