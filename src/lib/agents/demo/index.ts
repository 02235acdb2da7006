import { parseDataset, type Dataset } from '../dataset';
import raw from './dataset.json';

export { demoFlow } from './flow';

/** The bundled demo dataset, validated like any other. */
export const demoDataset: Dataset = parseDataset(raw);
