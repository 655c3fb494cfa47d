package io.pgferry.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Seeded random generators for fuzz tests: small combinators over {@link Random}, so a run is reproduced from its
 * seed alone. (A property-testing library was not used: jqwik's author asks that AI agents not use it.)
 */
@FunctionalInterface
public interface Gen<T> {
    T next(Random random);

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return random -> f.apply(next(random));
    }

    default Gen<Optional<T>> optional() {
        return random -> random.nextInt(4) == 0 ? Optional.empty() : Optional.of(next(random));
    }

    /** Lists of these, of 0 to 10 elements unless sized. */
    default Lists<T> list() {
        return new Lists<>(this, 0, 10);
    }

    /** Lists of {@code min} to {@code max} elements of {@code element}. */
    record Lists<T>(Gen<T> element, int min, int max) implements Gen<List<T>> {
        public Lists<T> ofMinSize(int size) {
            return new Lists<>(element, size, Math.max(size, max));
        }

        public Lists<T> ofMaxSize(int size) {
            return new Lists<>(element, Math.min(min, size), size);
        }

        @Override
        public List<T> next(Random random) {
            int size = min + random.nextInt(max - min + 1);
            List<T> items = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                items.add(element.next(random));
            }
            return items;
        }
    }

    @SafeVarargs
    static <T> Gen<T> of(T... values) {
        return of(List.of(values));
    }

    static <T> Gen<T> of(List<T> values) {
        return random -> values.get(random.nextInt(values.size()));
    }

    static <E extends Enum<E>> Gen<E> of(Class<E> type) {
        return of(type.getEnumConstants());
    }

    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        return random -> gens[random.nextInt(gens.length)].next(random);
    }

    /** A generator with its weight, for {@link #frequencyOf}. */
    record Weighted<T>(int weight, Gen<? extends T> gen) {}

    static <T> Weighted<T> weighted(int weight, Gen<? extends T> gen) {
        return new Weighted<>(weight, gen);
    }

    @SafeVarargs
    static <T> Gen<T> frequencyOf(Weighted<T>... choices) {
        int total = 0;
        for (Weighted<T> choice : choices) {
            total += choice.weight();
        }
        int sum = total;
        return random -> {
            int pick = random.nextInt(sum);
            for (Weighted<T> choice : choices) {
                pick -= choice.weight();
                if (pick < 0) {
                    return choice.gen().next(random);
                }
            }
            throw new IllegalStateException("unreachable");
        };
    }

    static Gen<Integer> integers(int min, int max) {
        return random -> min + random.nextInt(max - min + 1);
    }

    static Gen<Long> longs() {
        return Random::nextLong;
    }

    static Gen<Double> doubles(double min, double max) {
        return random -> min + random.nextDouble() * (max - min);
    }

    /** Strings of any UTF-16 units (surrogate halves included), or of an alphabet once one is given. */
    static Strings strings() {
        return new Strings("", 255);
    }

    /** Strings of up to {@code maxLength} characters from {@code alphabet} (any character when it is empty). */
    record Strings(String alphabet, int maxLength) implements Gen<String> {
        public Strings withChars(String characters) {
            return new Strings(alphabet + characters, maxLength);
        }

        public Strings withCharRange(char from, char to) {
            StringBuilder range = new StringBuilder();
            for (char c = from; c <= to; c++) {
                range.append(c);
            }
            return withChars(range.toString());
        }

        public Strings ofMaxLength(int length) {
            return new Strings(alphabet, length);
        }

        @Override
        public String next(Random random) {
            int length = random.nextInt(maxLength + 1);
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append(
                        alphabet.isEmpty()
                                ? (char) random.nextInt(Character.MAX_VALUE + 1)
                                : alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return text.toString();
        }
    }

    static <A, B> Combined2<A, B> combine(Gen<A> a, Gen<B> b) {
        return new Combined2<>(a, b);
    }

    static <A, B, C> Combined3<A, B, C> combine(Gen<A> a, Gen<B> b, Gen<C> c) {
        return new Combined3<>(a, b, c);
    }

    static <A, B, C, D> Combined4<A, B, C, D> combine(Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d) {
        return new Combined4<>(a, b, c, d);
    }

    /** Two generators, to combine with {@link #as}. */
    record Combined2<A, B>(Gen<A> a, Gen<B> b) {
        public <R> Gen<R> as(BiFunction<? super A, ? super B, ? extends R> f) {
            return random -> f.apply(a.next(random), b.next(random));
        }
    }

    /** Three generators, to combine with {@link #as}. */
    record Combined3<A, B, C>(Gen<A> a, Gen<B> b, Gen<C> c) {
        public <R> Gen<R> as(Function3<? super A, ? super B, ? super C, ? extends R> f) {
            return random -> f.apply(a.next(random), b.next(random), c.next(random));
        }
    }

    /** Four generators, to combine with {@link #as}. */
    record Combined4<A, B, C, D>(Gen<A> a, Gen<B> b, Gen<C> c, Gen<D> d) {
        public <R> Gen<R> as(Function4<? super A, ? super B, ? super C, ? super D, ? extends R> f) {
            return random -> f.apply(a.next(random), b.next(random), c.next(random), d.next(random));
        }
    }

    @FunctionalInterface
    interface Function3<A, B, C, R> {
        R apply(A a, B b, C c);
    }

    @FunctionalInterface
    interface Function4<A, B, C, D, R> {
        R apply(A a, B b, C c, D d);
    }
}
