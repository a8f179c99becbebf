package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.method.ForgetScope;
import java.util.Set;

/**
 * A simulated deletion before anything is trained for it: what to forget out of T.
 *
 * @param name what it forgets, for reports
 * @param scope its scope
 * @param forget the rows forgotten
 * @param retain the rows of T that stay
 * @param classes the forgotten classes (CLASS scope), else empty
 * @param small whether it is a small subject's rows: the per-example test can apply, with the
 *     random fraction's oracle (trained without these rows too) as a reference
 */
record Deletion(
    String name,
    ForgetScope scope,
    Dataset forget,
    Dataset retain,
    Set<Integer> classes,
    boolean small) {

  SimulatedDeletion describe() {
    return new SimulatedDeletion(name, scope, forget.size());
  }
}
