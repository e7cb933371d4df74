/**
 * One sentence for every physics term and training option the window shows: the tooltips (renderer
 * Tooltip.vue) and docs/glossary.md (scripts/glossary.ts, checked by test/unit/glossary.test.ts) both read
 * this list, so the window and the documentation never explain a term two ways.
 */

export interface GlossaryEntry {
  /** How the term is written in the window. */
  term: string;
  /** One sentence. */
  text: string;
  /** The heading it is listed under in docs/glossary.md. */
  group: 'Physics' | 'Attacks' | 'Loss surface' | 'Training options';
}

export const GLOSSARY = {
  eps: { group: 'Attacks', term: 'ε (training σ)', text: 'The size of an attack in units of each input\'s standard deviation on the training jets, so ε = 0.1 moves an input by at most a tenth of its spread.' },
  BvL: { group: 'Physics', term: 'BvL', text: 'The b-versus-light discriminant (b+bb)/(b+bb+udsg): near 1 for b jets, near 0 for light (udsg) jets; its ROC uses only b and light jets.' },
  BvC: { group: 'Physics', term: 'BvC', text: 'The b-versus-charm discriminant (b+bb)/(b+bb+c), separating b jets from c jets; light jets do not enter its ROC.' },
  CvB: { group: 'Physics', term: 'CvB', text: 'The charm-versus-b discriminant c/(c+b+bb), separating c jets from b jets; light jets do not enter its ROC.' },
  CvL: { group: 'Physics', term: 'CvL', text: 'The charm-versus-light discriminant c/(c+udsg), separating c jets from light jets; b jets do not enter its ROC.' },
  auc: { group: 'Physics', term: 'AUC', text: 'The area under the ROC curve: the chance that a random signal jet scores above a random background jet (0.5 is guessing, 1 is perfect).' },
  workingPoints: { group: 'Physics', term: 'working points', text: 'The cuts on a discriminant where the background mistag rate is 10%, 1% or 0.1% (loose, medium, tight); the signal efficiency there is what analyses quote.' },
  frozen: { group: 'Attacks', term: 'frozen inputs', text: 'Integer inputs (counts) and entries at their default value (a missing track or vertex) that no attack changes, so every attacked jet stays physically possible.' },
  fgsm: { group: 'Attacks', term: 'FGSM', text: 'The fast gradient sign method: one step x + ε·sign(∇ₓL) that moves every free input by ε in the direction that raises the loss.' },
  pgd: { group: 'Attacks', term: 'PGD', text: 'Projected gradient descent: several smaller gradient-sign steps, each projected back into the ε-ball, a stronger attack than FGSM at the same ε.' },
  ngm: { group: 'Attacks', term: 'NGM', text: 'The normalised gradient method: one step x + ε·g/‖g‖₂ along the loss gradient g, so the whole jet moves by ε in L2 instead of each input by ε.' },
  noise: { group: 'Attacks', term: 'noise', text: 'Gaussian noise of width ε added to every free input: a baseline that is not adversarial, to compare the attacks against.' },
  shift: { group: 'Attacks', term: 'shift', text: 'Every free input moved coherently by +ε or −ε: a baseline that is not adversarial, for a systematic miscalibration of the inputs.' },
  directions: { group: 'Loss surface', term: 'directions', text: 'The two input-space vectors a loss map is drawn along: the FGSM step, the gradient, the top Hessian eigenvector, random, principal-component or single-input directions.' },
  curvature: { group: 'Loss surface', term: 'curvature', text: 'The top eigenvalue of the loss\'s Hessian with respect to the inputs: large values mean the loss bends sharply, so small input shifts change the output a lot.' },
  hidden: { group: 'Training options', term: 'hidden layers', text: 'The widths of the dense ReLU layers, comma-separated; the paper\'s DeepCSV-like network is five layers of 100.' },
  dropout: { group: 'Training options', term: 'dropout', text: 'The fraction of hidden units switched off at random in each training step, which keeps the network from memorising the training jets.' },
  epochs: { group: 'Training options', term: 'epochs', text: 'How many times training passes over all training jets (early stopping may end it sooner).' },
  batchSize: { group: 'Training options', term: 'batch size', text: 'The number of jets averaged in each gradient step.' },
  learningRate: { group: 'Training options', term: 'learning rate', text: 'Adam\'s initial step size lr0, decayed as lr0/(1 + epoch/30).' },
  loss: { group: 'Training options', term: 'loss', text: 'What training minimises: cross-entropy of the true class, or the focal loss that weights hard jets more.' },
  focalGamma: { group: 'Training options', term: 'focal γ', text: 'The exponent of the focal loss −(1−p)^γ ln p (p the true class\'s probability), which down-weights jets already classified well; γ = 0 is cross-entropy.' },
  patience: { group: 'Training options', term: 'patience', text: 'Early stopping: training ends after this many epochs without a lower validation loss, keeping the best epoch.' },
  seed: { group: 'Training options', term: 'seed', text: 'Fixes the weight initialisation, the train/validation/test split, the shuffling and the dropout, so a run can be repeated bit for bit.' },
  reweight: { group: 'Training options', term: 'reweight', text: 'Weights every flavour\'s jets so their pT–η distribution matches the b jets\', so the tagger cannot separate flavours by kinematics alone.' },
  adversarialTraining: { group: 'Training options', term: 'adversarial training', text: 'Training on attacked batches (FGSM, NGM or PGD at ε) instead of nominal ones, so the tagger learns to resist that attack.' },
  advFraction: { group: 'Training options', term: 'batches attacked', text: 'The fraction of training batches replaced by their attacked version: 1 attacks every batch (the paper), 0.5 every second.' },
  advWarmup: { group: 'Training options', term: 'warm-up epochs', text: 'Nominal epochs trained before the attacks start.' },
  preset: { group: 'Training options', term: 'preset stein2022', text: 'The paper\'s own training setup in one click (UCI inputs, focal loss γ = 25, Adam lr 1e-4, pT–η–flavour reweighting, FGSM training at ε = 0.01), as `train --preset stein2022`; data other than UCI Jet Flavor are refused.' },
  gradPenalty: { group: 'Training options', term: 'gradient penalty λ', text: 'Adds λ times the mean squared input-gradient norm ⟨‖∇ₓL‖²⟩ over the free inputs to the loss, flattening the loss surface around the jets; 0 turns it off.' },
} as const satisfies Record<string, GlossaryEntry>;

export type GlossaryKey = keyof typeof GLOSSARY;

const GROUPS: GlossaryEntry['group'][] = ['Physics', 'Attacks', 'Loss surface', 'Training options'];

/** docs/glossary.md: every entry under its group, in the order above. */
export function glossaryMarkdown(): string {
  const entries = Object.values(GLOSSARY) as GlossaryEntry[];
  const sections = GROUPS.map((g) => [`## ${g}`, '', ...entries.filter((e) => e.group === g).map((e) => `- **${e.term}**: ${e.text}`)].join('\n'));
  return [
    '# Glossary',
    '',
    'The one-sentence explanations the window shows as tooltips, generated from `shared/glossary.ts`',
    '(`node --import tsx scripts/glossary.ts` rewrites this file; a unit test checks it is current).',
    '',
    sections.join('\n\n'),
    '',
  ].join('\n');
}
