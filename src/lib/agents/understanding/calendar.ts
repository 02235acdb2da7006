// Calendar words shared by what callers say (entity extraction), what personas say (spoken dates)
// and the checks on both. A leaf: it imports nothing, so any layer may read it.

/** Month names, lower case, January first. */
export const MONTHS = [
	'january',
	'february',
	'march',
	'april',
	'may',
	'june',
	'july',
	'august',
	'september',
	'october',
	'november',
	'december'
];
