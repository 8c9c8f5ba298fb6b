package bot

// This file is the second statistical model: multinomial logistic
// regression over the same sparse features as naive Bayes. Naive Bayes
// counts each word's evidence independently and so double-counts words that
// travel together ("where is my order" is four votes for order_status);
// logistic regression learns weights jointly and is better calibrated,
// which matters for the fallback threshold. Training is plain stochastic
// gradient descent in a fixed example order, so it is deterministic.

// Training settings, chosen by five-fold cross-validation on the training
// corpus (never on the held-out split). The L2 penalty is larger than a
// corpus of a few thousand lines would suggest on its own: with unigrams
// and bigrams the model can remember every training line (it classifies
// 99.7% of them right), and the stronger penalty trades a little of that
// for phrasings it has not seen.
const (
	lrEpochs = 30
	lrRate   = 0.5
	lrL2     = 3e-3
)

type logReg struct {
	w    []float32 // row-major like classifier.logp; rows from classifier.feat
	bias [numIntents]float64
}

// trainLogReg fits the model on the examples' feature rows.
func trainLogReg(rows [][]int32, labels []int, nrows int) *logReg {
	m := &logReg{w: make([]float32, nrows*numIntents)}
	n := len(rows)
	if n == 0 {
		return m
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	// A fixed pseudo-random permutation (LCG): deterministic, and not the
	// corpus order, which is grouped by intent.
	state := uint64(0x9e3779b97f4a7c15)
	for i := n - 1; i > 0; i-- {
		state = state*6364136223846793005 + 1442695040888963407
		j := int((state >> 33) % uint64(i+1)) // #nosec G115 -- less than i+1, an int
		order[i], order[j] = order[j], order[i]
	}
	var z, p [numIntents]float64
	step := 0
	for epoch := 0; epoch < lrEpochs; epoch++ {
		for _, ex := range order {
			step++
			lr := lrRate / (1 + 0.001*float64(step)/float64(n)*100)
			z = m.bias
			for _, r := range rows[ex] {
				base := int(r) * numIntents
				for k := 0; k < numIntents; k++ {
					z[k] += float64(m.w[base+k])
				}
			}
			p = softmax(z)
			p[labels[ex]] -= 1
			for k := 0; k < numIntents; k++ {
				m.bias[k] -= lr * p[k]
			}
			for _, r := range rows[ex] {
				base := int(r) * numIntents
				for k := 0; k < numIntents; k++ {
					wk := float64(m.w[base+k])
					m.w[base+k] = float32(wk - lr*(p[k]+lrL2*wk))
				}
			}
		}
	}
	return m
}
