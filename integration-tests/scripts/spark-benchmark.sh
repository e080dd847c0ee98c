#!/usr/bin/env bash
# Rerunnable benchmark of the Spark job (dev.ibex.spark.ExplainJob through spark-submit's own entry point,
# org.apache.spark.deploy.SparkSubmit, in local[N]) against the ibex CLI on the same images: N seeded-noise
# 3x32x32 PNGs (default 200) and the parity CNN, saliency and grad-cam (layer conv3), each scored with deletion.
# Both sides write .npy maps and PNG heatmaps. Prints a Markdown table and writes it to OUT/spark-benchmark.md.
#
# usage: integration-tests/scripts/spark-benchmark.sh [OUT] [IMAGES] [MASTER]
#        (after `mvn -B -ntp -q package -DskipTests`; defaults: out/spark-benchmark, 200, local[2])
# Spark itself is the spark-sql_2.13 version of the parent pom with all its dependencies, resolved by Maven
# into OUT/spark-runtime (offline when already downloaded): the class path of a Spark distribution's jars/.
# Extra JVM options for the Spark side: IBEX_SPARK_JAVA_OPTS (e.g. -Dai.djl.pytorch.num_threads=1); its batch
# size: IBEX_SPARK_BATCH (default 16).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/out/spark-benchmark}
n=${2:-200}
master=${3:-local[2]}
batch=${IBEX_SPARK_BATCH:-16}
jar=$root/integration-tests/target/ibex.jar
model=$root/integration-tests/src/test/resources/parity/plain/model.pt
[ -f "$jar" ] || { echo "build first: mvn -B -ntp -q package -DskipTests" >&2; exit 2; }
# libtorch 2.7.1's oneDNN gives wrong float32 convolution gradients on some CPUs (see README); both sides get this
export ONEDNN_MAX_CPU_ISA=${ONEDNN_MAX_CPU_ISA:-AVX}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# 1. Spark's class path, as a distribution's jars/ would hold it
runtime=$out/spark-runtime
spark_version=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' "$root/pom.xml")
scala=$(sed -n 's:.*<scala.binary.version>\(.*\)</scala.binary.version>.*:\1:p' "$root/pom.xml")
mkdir -p "$runtime"
if [ ! -s "$runtime/classpath-$spark_version.txt" ]; then
  cat > "$runtime/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>spark-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies><dependency><groupId>org.apache.spark</groupId><artifactId>spark-sql_$scala</artifactId>
    <version>$spark_version</version></dependency></dependencies>
</project>
POM
  mvn -B -ntp -q -o -f "$runtime/pom.xml" dependency:build-classpath -Dmdep.outputFile="$runtime/classpath-$spark_version.txt" \
    || mvn -B -ntp -q -f "$runtime/pom.xml" dependency:build-classpath -Dmdep.outputFile="$runtime/classpath-$spark_version.txt"
fi
spark_cp=$(cat "$runtime/classpath-$spark_version.txt")
# what Spark's launcher gives its JVMs on Java 17 (org.apache.spark.launcher.JavaModuleOptions)
spark_jvm=(-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true)

# 2. The images: seeded uniform noise, 8-bit RGB PNGs, and the same pixels / 255 as one .npy for the CLI
data=$out/images-$n
if [ ! -f "$data/x.npy" ]; then
  mkdir -p "$data/png"
  cat > "$out/MakeNoise.java" <<'JAVA'
import java.awt.image.BufferedImage;
import java.io.*;
import java.nio.*;
import java.nio.file.*;
import java.util.Random;
import javax.imageio.ImageIO;
/** n seeded-noise 3x32x32 PNGs in DIR/png and their pixels / 255 as DIR/x.npy (float32, (n, 3, 32, 32)). */
public class MakeNoise {
  public static void main(String[] a) throws IOException {
    Path dir = Path.of(a[0]); int n = Integer.parseInt(a[1]); Random r = new Random(7);
    String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ", 3, 32, 32), }";
    header = header + " ".repeat(63 - (10 + header.length()) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + header.length() + n * 3 * 32 * 32 * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length()).put(header.getBytes("ISO-8859-1"));
    for (int i = 0; i < n; i++) {
      int[][] q = new int[3][32 * 32];
      BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
      for (int p = 0; p < 32 * 32; p++) {
        for (int c = 0; c < 3; c++) q[c][p] = r.nextInt(256);
        img.setRGB(p % 32, p / 32, q[0][p] << 16 | q[1][p] << 8 | q[2][p]);
      }
      for (int c = 0; c < 3; c++) for (int p = 0; p < 32 * 32; p++) b.putFloat(q[c][p] / 255f);
      ImageIO.write(img, "png", dir.resolve(String.format("png/noise-%04d.png", i)).toFile());
    }
    Files.write(dir.resolve("x.npy"), b.array());
  }
}
JAVA
  java "$out/MakeNoise.java" "$data" "$n"
fi

load() { cut -d' ' -f1-3 /proc/loadavg; }
now() { date +%s.%N; }
java_opts=(-Dai.djl.pytorch.graph_optimizer=false) # as benchmark.sh: no re-optimisation per batch shape
table=$out/spark-benchmark.md
{
  echo "Measured on: $(nproc) CPU cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(date -u +%Y-%m-%d)," \
    "Spark $spark_version, libtorch 2.7.1 CPU, ONEDNN_MAX_CPU_ISA=$ONEDNN_MAX_CPU_ISA; $n images 3x32x32, parity CNN," \
    "saliency + grad-cam (conv3), deletion (100 steps); .npy maps and PNG heatmaps written"
  echo
  echo "| run | wall s (JVM start to exit) | images/s (wall) | job s | images/s (job) | load avg before -> after |"
  echo "|---|---|---|---|---|---|"
} > "$table"

# 3. The CLI: explain (one batch of n) and evaluate, per method
rm -rf "$out/cli"; mkdir -p "$out/cli"
before=$(load); t0=$(now)
for method in saliency grad-cam; do
  layer=(); [ "$method" = grad-cam ] && layer=(--layer conv3)
  java "${java_opts[@]}" -jar "$jar" explain --model "$model" --input "$data/x.npy" --method "$method" "${layer[@]}" \
    --out "$out/cli/$method.npy" --png "$out/cli/$method" > "$out/cli/$method.explain.txt"
  java "${java_opts[@]}" -jar "$jar" evaluate --metric deletion --model "$model" --input "$data/x.npy" \
    --attributions "$out/cli/$method.npy" --json "$out/cli/$method.deletion.json" > "$out/cli/$method.deletion.txt"
done
t1=$(now); after=$(load)
awk -v s="$(echo "$t1 - $t0" | bc)" -v n="$n" -v b="$before" -v a="$after" \
  'BEGIN { printf "| CLI: explain + evaluate per method, 4 JVMs | %.1f | %.1f | | | %s -> %s |\n", s, n / s, b, a }' | tee -a "$table"

# 4. The Spark job through spark-submit's entry point
rm -rf "$out/spark"
before=$(load); t0=$(now)
# shellcheck disable=SC2086
java "${spark_jvm[@]}" "${java_opts[@]}" ${IBEX_SPARK_JAVA_OPTS:-} -cp "$spark_cp" org.apache.spark.deploy.SparkSubmit \
  --master "$master" --class dev.ibex.spark.ExplainJob --conf spark.ui.enabled=false \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 "$jar" \
  --input "$data/png/*.png" --model "$model" --layer conv3 --method saliency,grad-cam --metric deletion \
  --batch "$batch" --out "$out/spark" > "$out/spark.txt" 2> "$out/spark.err"
t1=$(now); after=$(load)
cat "$out/spark.txt"
job=$(sed -nE 's/.* in ([0-9.]+) s \(.*/\1/p' "$out/spark.txt")
label="Spark job, $master, batch $batch, 1 JVM${IBEX_SPARK_JAVA_OPTS:+, $IBEX_SPARK_JAVA_OPTS}"
awk -v s="$(echo "$t1 - $t0" | bc)" -v j="$job" -v n="$n" -v l="$label" -v b="$before" -v a="$after" \
  'BEGIN { printf "| %s | %.1f | %.1f | %.1f | %.1f | %s -> %s |\n", l, s, n / s, j, n / j, b, a }' \
  | tee -a "$table"
echo "wrote $table"
