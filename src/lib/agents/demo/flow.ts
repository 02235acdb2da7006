import { checkFlow, type Flow, type Intent, type Persona } from '../flow';

// The default demo flow: a mobile phone company. Persona ids are part of the product's contract
// (tests, the console and the simulator name them): triage, billing, support, sales, retention,
// human.

type PersonaInput = Omit<Persona, 'examples'> & { extraExamples?: string[] };

function persona(input: PersonaInput): Persona {
	const { extraExamples = [], ...rest } = input;
	return { ...rest, examples: [...input.intents.flatMap((i) => i.examples), ...extraExamples] };
}

const billingIntents: Intent[] = [
	{
		id: 'billing.balance',
		label: 'Your balance and due date',
		needs: ['identity'],
		examples: [
			'what is my balance',
			'how much do I owe',
			'when is my bill due',
			'what do I owe this month',
			'when is my payment due',
			'how much is my bill',
			'can you tell me my account balance',
			'what is the amount due on my account',
			'what is my current bill',
			'I want to know my balance and due date',
			'how much do I have to pay this month',
			'is my bill paid',
			'do I have an outstanding balance',
			'when do I need to pay by'
		]
	},
	{
		id: 'billing.charge',
		label: 'A charge on your bill',
		needs: ['identity'],
		examples: [
			'I have a question about a charge on my bill',
			'what is this charge on my bill',
			'there is a charge I do not recognize',
			'why was I charged 49 dollars',
			'what is the $49 charge',
			'my bill is higher than usual',
			'why is my bill so high this month',
			'I see a charge I do not understand',
			'can you explain this fee',
			'what is this fee for',
			'why did my bill go up',
			'there is an extra charge on my statement',
			'what is the charge from November 3rd',
			'explain the charges on my bill',
			'I was billed for something I did not expect',
			'what am I paying for',
			'can you list my recent charges',
			'what did you charge me for'
		]
	},
	{
		id: 'billing.dispute',
		label: 'Disputing a charge',
		needs: ['identity'],
		examples: [
			'I was charged twice',
			'I think I was double charged',
			'you billed me twice for the same month',
			'I want to dispute a charge',
			'this charge is wrong',
			'I need a refund for a duplicate charge',
			'there is a duplicate payment on my account',
			'I was overcharged',
			'I want my money back for this charge',
			'please remove this charge',
			'the same charge appears two times',
			'I did not authorize this charge'
		]
	},
	{
		id: 'billing.payment',
		label: 'Making a payment',
		needs: ['identity'],
		examples: [
			'I want to pay my bill',
			'can I make a payment',
			'I would like to pay with my card',
			'how can I pay my bill',
			'I want to set up autopay',
			'take a payment please',
			'I need to pay my balance'
		]
	}
];

const supportIntents: Intent[] = [
	{
		id: 'support.outage',
		label: 'A network outage or no signal',
		needs: ['zip'],
		examples: [
			'I have no signal',
			'my phone has no service',
			'is there an outage in my area',
			'the network is down',
			'my internet is not working',
			'my data is not working',
			'calls keep dropping',
			'I can not make calls',
			'no bars on my phone',
			'mobile data is really slow',
			'my home internet is down',
			'is your network down right now',
			'I lost service this morning',
			'my calls drop all the time',
			'the internet is very slow today'
		]
	},
	{
		id: 'support.device',
		label: 'A problem with a device',
		needs: ['device'],
		examples: [
			'my phone will not turn on',
			'my phone keeps restarting',
			'my battery drains fast',
			'I can not send text messages',
			'my hotspot is not working',
			'my phone is frozen',
			'the screen is not responding',
			'my voicemail is not working',
			'my router keeps disconnecting',
			'my phone is overheating',
			'how do I set up my new phone',
			'my sim card is not detected',
			'my apps keep crashing',
			'bluetooth will not connect',
			'my phone says no sim',
			'wifi calling does not work',
			'it is still not working'
		]
	}
];

const salesIntents: Intent[] = [
	{
		id: 'sales.plans',
		label: 'Plan options and prices',
		examples: [
			'what plans do you have',
			'what plans do you offer',
			'tell me about your plans',
			'which plan has the most data',
			'compare the standard and unlimited plans',
			'what is the difference between unlimited and unlimited plus',
			'do you have a cheaper plan',
			'what does the family plan include',
			'how much is the unlimited plan',
			'do you have plans with international roaming',
			'which plan is best for streaming',
			'what are your prices'
		]
	},
	{
		id: 'sales.upgrade',
		label: 'Changing or upgrading your plan',
		needs: ['identity', 'plan'],
		examples: [
			'I want to upgrade my plan',
			'I would like to switch to unlimited',
			'can I change my plan',
			'upgrade me to unlimited plus',
			'I want more data',
			'how much would it cost to upgrade',
			'I want to move to a different plan',
			'can I add a line',
			'I want to downgrade to basic',
			'switch my plan to the family plan',
			'I need a bigger plan',
			'what would unlimited cost me',
			'I want to upgrade to a better plan',
			'put me on the unlimited plan'
		]
	}
];

const retentionIntents: Intent[] = [
	{
		id: 'retention.cancel',
		label: 'Cancelling your service',
		needs: ['identity'],
		examples: [
			'I want to cancel my service',
			'cancel my account',
			'I want to close my account',
			'I am cancelling',
			'how do I cancel',
			'I want to end my contract',
			'please cancel my line',
			'I want to terminate my service',
			'just cancel it',
			'I do not want your service anymore',
			'I want to port my number out'
		]
	},
	{
		id: 'retention.offers',
		label: 'Finding a better deal',
		needs: ['identity'],
		examples: [
			'I am thinking about leaving',
			'another carrier offered me a better deal',
			'your service is too expensive',
			'I am paying too much',
			'I am thinking of switching carriers',
			'can you give me a discount',
			'do you have any offers to keep me',
			'I found a cheaper provider',
			'is there a loyalty discount'
		]
	}
];

const humanIntents: Intent[] = [
	{
		id: 'human.request',
		label: 'Speaking to a person',
		examples: [
			'let me talk to a real person',
			'can I speak to a human',
			'I want an operator',
			'get me a representative',
			'transfer me to an agent please',
			'I need to talk to someone',
			'put me through to a person',
			'can I talk to your manager'
		]
	}
];

export const demoFlow: Flow = checkFlow({
	id: 'northwind-mobile',
	language: 'en',
	thresholds: {
		route: 0.7,
		switch: 0.7,
		frustration: -0.5,
		toolFailures: 2,
		largeAmount: 500,
		lowConfidenceTurns: 2
	},
	policy: { maxHops: 5, cooldownTurns: 3, maxAutomatedHops: 3 },
	personas: [
		persona({
			id: 'triage',
			name: 'Ava',
			kind: 'triage',
			description: 'Greets callers, works out what they need, and connects them to the right team.',
			instructions:
				'Find out what the caller needs in as few questions as possible. Never solve the problem yourself; connect the caller to the right specialist.',
			greeting: 'Thanks for calling {company}. I am Ava. How can I help you today?',
			intents: [],
			tools: [],
			voice: { id: 'af_heart', fallback: 'en-us+f3' },
			handoffTo: ['billing', 'support', 'sales', 'retention', 'human'],
			humanMoments: []
		}),
		persona({
			id: 'billing',
			team: 'billing',
			aliases: ['billing', 'accounts', 'payments'],
			name: 'Ben',
			kind: 'specialist',
			description:
				'Balances, due dates, charges on the bill, disputed or duplicate charges, payments.',
			instructions:
				'Verify the caller, then answer from the account: balances, charges, and disputes. Never take card details.',
			greeting: 'Hi, this is Ben from billing.',
			intents: billingIntents,
			tools: [
				'identity.verify',
				'billing.balance',
				'billing.listCharges',
				'billing.explainCharge',
				'billing.flagDispute'
			],
			voice: { id: 'am_michael', fallback: 'en-us+m3' },
			handoffTo: ['support', 'sales', 'retention', 'human'],
			humanMoments: ['take_payment']
		}),
		persona({
			id: 'support',
			team: 'technical support',
			aliases: ['technical support', 'tech support', 'support', 'technical', 'tech'],
			name: 'Sam',
			kind: 'specialist',
			description:
				'No signal, outages, slow data, and troubleshooting phones, hotspots and routers.',
			instructions:
				'Check for an outage at the caller’s zip first, then walk through the steps for their device, then open a ticket.',
			greeting: 'Hi, Sam from technical support here.',
			intents: supportIntents,
			tools: ['identity.verify', 'support.outage', 'support.troubleshoot', 'support.openTicket'],
			voice: { id: 'bf_emma', fallback: 'en-gb+f2' },
			handoffTo: ['billing', 'sales', 'retention', 'human'],
			humanMoments: []
		}),
		persona({
			id: 'sales',
			team: 'plans and upgrades',
			aliases: ['sales', 'upgrades', 'plans'],
			name: 'Sofia',
			kind: 'specialist',
			description: 'Plans, prices, comparisons, upgrades and plan changes.',
			instructions:
				'Explain plans plainly, quote the exact monthly difference, and change the plan only when the caller confirms.',
			greeting: 'Hello, Sofia from plans and upgrades.',
			intents: salesIntents,
			tools: [
				'identity.verify',
				'sales.listPlans',
				'sales.comparePlans',
				'sales.quoteUpgrade',
				'sales.changePlan'
			],
			voice: { id: 'af_bella', fallback: 'en-us+f4' },
			handoffTo: ['billing', 'support', 'retention', 'human'],
			humanMoments: []
		}),
		persona({
			id: 'retention',
			team: 'customer care',
			aliases: ['retention', 'cancellations', 'customer care', 'cancellation'],
			name: 'Rae',
			kind: 'specialist',
			description: 'Cancellations, leaving for another carrier, loyalty discounts and offers.',
			instructions:
				'Understand why the caller wants to leave and present the offers they qualify for. A cancellation is always confirmed by a person.',
			greeting: 'Hi, Rae here, from customer care.',
			intents: retentionIntents,
			tools: ['identity.verify', 'retention.offers', 'retention.cancel'],
			voice: { id: 'af_nicole', fallback: 'en-us+f2' },
			handoffTo: ['billing', 'sales', 'support', 'human'],
			humanMoments: ['cancel_service']
		}),
		persona({
			id: 'human',
			handBackTo: 'billing',
			name: 'a specialist',
			kind: 'human',
			description: 'A human operator for anything the AI should not or cannot finish.',
			instructions: 'Read the context package before you speak; never ask for a fact it holds.',
			greeting: '',
			intents: humanIntents,
			tools: [],
			voice: { id: 'human', fallback: 'human' },
			handoffTo: ['triage', 'billing', 'support', 'sales', 'retention'],
			humanMoments: []
		})
	],
	outOfScope: [
		'what is the weather tomorrow',
		'tell me a joke',
		'who won the game last night',
		'can you book me a flight to Paris',
		'what is a good recipe for lasagna',
		'how tall is the eiffel tower',
		'play some music',
		'what time is it in Tokyo',
		'set an alarm for 7am',
		'what is the capital of Australia',
		'order me a pizza',
		'how do I file my taxes',
		'recommend a good movie',
		'what is the meaning of life',
		'translate hello into spanish',
		'how many calories are in an apple',
		'find me a hotel in Chicago',
		'who is the president',
		'help me with my homework',
		'what stocks should I buy',
		'book a table for two tonight',
		'how do I get to the airport'
	]
});
