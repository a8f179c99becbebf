package io.lethe.processor.registration;

import java.util.function.Consumer;

/** Where models come from while a processor runs, besides the catalog it started with. */
public interface ModelFeed extends AutoCloseable {

  /** No models but the processor's catalog. */
  ModelFeed NONE =
      new ModelFeed() {
        @Override
        public void catchUp(Consumer<String> progress) {}

        @Override
        public void start(Consumer<String> progress) {}

        @Override
        public void close() {}
      };

  /** Both feeds: caught up and started in this order, closed in the reverse one. */
  static ModelFeed both(ModelFeed first, ModelFeed second) {
    return new ModelFeed() {
      @Override
      public void catchUp(Consumer<String> progress) {
        first.catchUp(progress);
        second.catchUp(progress);
      }

      @Override
      public void start(Consumer<String> progress) {
        first.start(progress);
        second.start(progress);
      }

      @Override
      public void close() {
        try {
          second.close();
        } finally {
          first.close();
        }
      }
    };
  }

  /** Applies everything up to now; returns before the topology and the worker start. */
  void catchUp(Consumer<String> progress);

  /** Goes on applying what comes later, in the background. */
  void start(Consumer<String> progress);

  @Override
  void close();
}
