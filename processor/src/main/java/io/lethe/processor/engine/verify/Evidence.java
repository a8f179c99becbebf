package io.lethe.processor.engine.verify;

/**
 * What a verification can say about forgetting beyond the new model's own figures: whether the
 * model is exact by construction, and the same forgetting checks measured on the parent (the model
 * the method started from, trained on every forget sample). A check carries evidence only where the
 * parent fails it: a check the parent passes cannot tell a model that forgot from one that handed
 * the parent back.
 *
 * @param exact the model was built without the forget set (exact retraining): forgetting holds by
 *     construction, whatever the checks can see
 * @param parentForgetAccuracy the parent's accuracy on the forget set
 * @param parentTestAccuracy the parent's accuracy on the test data the new model was measured on
 * @param parentMia the membership attack on the parent (NaN when it could not run)
 * @param perExample the per-example membership test, or null when it did not run (large forget
 *     sets, CLASS scope, no reference models)
 */
public record Evidence(
    boolean exact,
    double parentForgetAccuracy,
    double parentTestAccuracy,
    double parentMia,
    PerExampleEvidence perExample) {}
