#!/usr/bin/env bash
# For users with an NVIDIA GPU: builds trainyard for CUDA, reports the driver and each GPU's compute capability,
# starts the server on the GPU build, trains seednet on generated images for 300 steps and prints the images per
# second (steps x batch over the job's wall time) and how the applied learning rates compare with the preview.
# Needs: nvidia-smi, JDK 17, Maven, curl, python3. Usage: scripts/gpu-check.sh [port]
# Written without a GPU to run it on: what it reports is untested until someone runs it on one.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-18080}
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

echo "== driver and devices"
nvidia-smi --query-gpu=index,name,driver_version,compute_cap,memory.total --format=csv
echo "== ND4J's CUDA library runs on compute capability 3.7 to 8.9 (scripts/cuda-architectures.sh); not on 9.0 or later"

echo "== building with -Pcuda"
mvn -q -Pcuda package -DskipTests
jar=$(ls target/trainyard-*.jar | grep -v original | head -1)

echo "== generating 6,400 images in 10 classes"
mkdir -p "$work/data/datasets/generated"
cat > "$work/Images.java" <<'JAVA'
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Random;
import javax.imageio.ImageIO;

public class Images {
    public static void main(String[] args) throws Exception {
        Random random = new Random(7);
        for (int c = 0; c < 10; c++) {
            File folder = new File(args[0], "class" + c);
            folder.mkdirs();
            for (int i = 0; i < 640; i++) {
                BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        int base = (c * 25) << 16 | (255 - c * 25) << 8 | (c * 12);
                        image.setRGB(x, y, base ^ random.nextInt(1 << 20));
                    }
                }
                ImageIO.write(image, "png", new File(folder, String.format("%04d.png", i)));
            }
        }
    }
}
JAVA
java "$work/Images.java" "$work/data/datasets/generated"

echo "== starting the server on :$port"
java -Xmx2g -jar "$jar" --trainyard.data-dir="$work/data" --server.port="$port" \
     --management.endpoint.health.show-details=always > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "localhost:$port/actuator/health/readiness" > /dev/null && break
  sleep 1
done
curl -s "localhost:$port/actuator/health"; echo
token=$(cat "$work/data/admin.token")
auth="Authorization: Bearer $token"
spec='{"name":"gpu check","model":"seednet","dataset":{"name":"imagefolder","path":"generated"},"epochs":3,
"batchSize":64,"optimizer":{"type":"sgd","momentum":0.9,"nesterov":true,"weightDecay":0.0005},
"schedule":{"type":"cosine-warmup","baseLr":0.05,"warmupEpochs":1},"seed":1}'
location=$(curl -sf -D - -o /dev/null -H "$auth" -H 'Content-Type: application/json' -d "$spec" \
     "localhost:$port/api/v1/jobs" | tr -d '\r' | awk 'tolower($1)=="location:" {print $2}')
echo "== job $location"
while true; do
  state=$(curl -sf -H "$auth" "localhost:$port$location" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])')
  case "$state" in SUCCEEDED|FAILED|CANCELLED) break ;; esac
  sleep 2
done
curl -sf -H "$auth" "localhost:$port$location" > "$work/job.json"
curl -sf -H "$auth" "localhost:$port$location/metrics" > "$work/metrics.json"
curl -sf -H "$auth" -H 'Content-Type: application/json' \
     -d '{"schedule":{"type":"cosine-warmup","baseLr":0.05,"warmupEpochs":1},"epochs":3,"stepsPerEpoch":100,"maxPoints":100000}' \
     "localhost:$port/api/v1/schedules/preview" > "$work/preview.json"
python3 - "$work" <<'PY'
import json, sys
from datetime import datetime
work = sys.argv[1]
job = json.load(open(f"{work}/job.json"))
metrics = json.load(open(f"{work}/metrics.json"))
preview = {p["step"]: p["lr"] for p in json.load(open(f"{work}/preview.json"))["points"]}
print("state:", job["state"], job.get("error") or "")
print("run:", json.dumps(job.get("run")))
steps = metrics["steps"]
if job.get("startedAt") and job.get("finishedAt") and steps:
    t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
    wall = (t(job["finishedAt"]) - t(job["startedAt"])).total_seconds()
    print(f"{len(steps)} steps x 64 images in {wall:.1f} s of wall time (start to finish, with evaluation): "
          f"{len(steps) * 64 / wall:.0f} images/s")
worst = max((abs(s["learningRate"] - preview[s["step"]]) for s in steps), default=float("nan"))
print(f"applied learning rate vs preview over {len(steps)} steps: largest difference {worst:.3g}")
PY
