package com.example.ibex;

/** A faulty provider: its constructor throws, which must not stop the host. */
public final class Exploding extends com.example.ibex.Base {
  public Exploding() {
    throw new IllegalStateException("this plugin is broken on purpose");
  }
}
