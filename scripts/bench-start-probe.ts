// What bench:start injects into every page before the app's own scripts. It watches the page the way
// a visitor's ears and eyes would, without relying on the app's markup for sound: Web Audio buffers
// and media elements that really make noise, the Call click, the microphone's energy, and the
// recognition readiness flag. Everything is timed with the page's performance.now().
// Plain JavaScript in a string: a transpiled function could carry helpers the page does not have.

export type AudioEvent = {
	kind: 'buffer' | 'media';
	/** When the sound reaches the output (page clock, ms). */
	at: number;
	/** How long it lasts (ms), when known. */
	ms: number;
	peak?: number;
	src?: string;
};

export type Probe = {
	audio: AudioEvent[];
	/** The Call button's click (page clock, ms). */
	callClicks: number[];
	/** When `data-stt` first became each value, and when the mic first said "listening". */
	stt: Record<string, number>;
	micListening: number | null;
	/** When getUserMedia resolved, and the caller's energy: [page ms, RMS] per ~10 ms. */
	micOpened: number | null;
	micFrames: [number, number][];
};

export const PROBE_SCRIPT = String.raw`(() => {
	if (window.__benchProbe) return;
	const probe = (window.__benchProbe = {
		audio: [],
		callClicks: [],
		stt: {},
		micListening: null,
		micOpened: null,
		micFrames: []
	});

	// Web Audio: a buffer is heard at its start time on the context's clock, not when start() runs.
	const start = AudioBufferSourceNode.prototype.start;
	AudioBufferSourceNode.prototype.start = function (when, offset, duration) {
		const result = start.apply(this, arguments);
		try {
			const buffer = this.buffer;
			let peak = 0;
			if (buffer)
				for (let c = 0; c < buffer.numberOfChannels; c++) {
					const data = buffer.getChannelData(c);
					for (let i = 0; i < data.length; i++) {
						const v = Math.abs(data[i]);
						if (v > peak) peak = v;
					}
				}
			if (peak > 0.01) {
				const ctx = this.context;
				const at = Math.max(when || 0, ctx.currentTime);
				const ms = ((duration ?? buffer.duration - (offset || 0)) * 1000) / (this.playbackRate.value || 1);
				const record = () => {
					const ts = ctx.getOutputTimestamp ? ctx.getOutputTimestamp() : {};
					const heard =
						ts.performanceTime > 0
							? ts.performanceTime + (at - ts.contextTime) * 1000
							: performance.now() + (at - ctx.currentTime) * 1000 + (ctx.outputLatency || ctx.baseLatency || 0) * 1000;
					probe.audio.push({ kind: 'buffer', at: heard, ms, peak });
				};
				if (ctx.state === 'running') record();
				else {
					// A suspended context plays nothing until it runs.
					const onState = () => {
						if (ctx.state !== 'running') return;
						ctx.removeEventListener('statechange', onState);
						record();
					};
					ctx.addEventListener('statechange', onState);
				}
			}
		} catch (e) {
			console.warn('bench probe:', e);
		}
		return result;
	};

	const play = HTMLMediaElement.prototype.play;
	HTMLMediaElement.prototype.play = function () {
		const el = this;
		const result = play.apply(this, arguments);
		const heard = () => {
			if (el.muted || el.volume === 0 || !(el.currentSrc || el.srcObject)) return;
			probe.audio.push({
				kind: 'media',
				at: performance.now(),
				ms: Number.isFinite(el.duration) ? el.duration * 1000 : 0,
				src: el.currentSrc || 'srcObject'
			});
		};
		if (result && result.then) result.then(heard, () => {});
		return result;
	};

	addEventListener(
		'click',
		(e) => {
			const t = e.target;
			if (t && t.closest && t.closest('[data-testid=call-button]')) probe.callClicks.push(performance.now());
		},
		true
	);

	// Recognition readiness and the microphone's state, the moment the page shows them.
	const watch = () => {
		const now = performance.now();
		const stt = document.documentElement.dataset.stt;
		if (stt !== undefined && !(stt in probe.stt)) probe.stt[stt] = now;
		if (probe.micListening === null && document.querySelector('[data-testid=mic][data-mic=listening]'))
			probe.micListening = now;
	};
	new MutationObserver(watch).observe(document, {
		subtree: true,
		childList: true,
		attributes: true,
		attributeFilter: ['data-stt', 'data-mic']
	});

	// The caller's voice as the app receives it, tapped on a context of our own.
	const gum = MediaDevices.prototype.getUserMedia;
	MediaDevices.prototype.getUserMedia = async function () {
		const stream = await gum.apply(this, arguments);
		try {
			if (stream.getAudioTracks().length && probe.micOpened === null) {
				probe.micOpened = performance.now();
				const ctx = new AudioContext();
				const analyser = ctx.createAnalyser();
				analyser.fftSize = 512;
				const mute = ctx.createGain();
				mute.gain.value = 0;
				ctx.createMediaStreamSource(stream).connect(analyser);
				analyser.connect(mute).connect(ctx.destination);
				const buf = new Float32Array(analyser.fftSize);
				// ~10 ms of samples at the context's rate, read every 10 ms.
				const n = Math.min(buf.length, Math.round(ctx.sampleRate / 100));
				setInterval(() => {
					analyser.getFloatTimeDomainData(buf);
					let s = 0;
					for (let i = buf.length - n; i < buf.length; i++) s += buf[i] * buf[i];
					probe.micFrames.push([performance.now(), Math.sqrt(s / n)]);
				}, 10);
			}
		} catch (e) {
			console.warn('bench probe:', e);
		}
		return stream;
	};
})();`;
