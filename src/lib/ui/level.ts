/** Samples the loudness (RMS, 0..1) of a live stream, for a level meter and for tests. */
export function watchLevel(stream: MediaStream, onLevel: (rms: number) => void): () => void {
	const ctx = new AudioContext();
	const source = ctx.createMediaStreamSource(stream);
	const analyser = ctx.createAnalyser();
	analyser.fftSize = 2048;
	source.connect(analyser);
	const buf = new Float32Array(analyser.fftSize);
	const timer = setInterval(() => {
		analyser.getFloatTimeDomainData(buf);
		let sum = 0;
		for (const x of buf) sum += x * x;
		onLevel(Math.sqrt(sum / buf.length));
	}, 100);
	return () => {
		clearInterval(timer);
		source.disconnect();
		void ctx.close();
	};
}
