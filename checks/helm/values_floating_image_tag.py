"""HELM003: Helm values that deploy an image by a moving tag (``latest``, ``main``...)."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import Category, Check, Finding, Severity
from ..models.helm import HelmValues, disabled, values_images
from ..models.images import is_moving_tag, parse_image
from ..models.moving_tags import moving_tag, values_container_use

CHECK = Check(
    code="HELM003",
    name="values-floating-image-tag",
    title="Helm values set an image tag that moves (`latest`, `main`, `stable`...)",
    severity=Severity.HIGH,
    category=Category.SUPPLY_CHAIN,
    rationale=(
        "A tag such as `latest`, `main` or `stable` names a channel, not a release: two nodes can "
        "run different code from the same chart release, `helm rollback` redeploys whatever the tag "
        "points to today, and a broken or compromised push reaches production at the next pod "
        "restart. The values are where the chart takes the tag from, so that is where to pin it. "
        "Severity follows the same model as K8S004 (checks/models/moving_tags.py), with the container's "
        "role read from the values' layout (`initContainers`, `sidecars`/`extraContainers`, app-template "
        "`controllers.<c>.containers`/`initContainers` with `persistence` mounts): a utility image in an "
        "init or helper container is low (medium with a Secret or persistent data), a branch or channel "
        "medium, `latest` on an application image high; a chart's own `values.yaml` is at most medium."
    ),
    remediation=(
        "Set the image `tag` to a release (`tag: 2.4.1`), ideally with its `digest`.",
        "Or leave `tag` unset so the chart uses its `appVersion`, and pin the chart version.",
        "Let Renovate or an image updater bump the tag in a reviewed change.",
    ),
    effort="30m",
    references=(
        "https://kubernetes.io/docs/concepts/containers/images/#image-names",
        "https://helm.sh/docs/chart_best_practices/values/",
    ),
    peers=("kube-linter latest-tag (on rendered manifests)",),
)


@CHECK.on(HelmValues)
def values_floating_image_tag(values: HelmValues) -> Iterator[Finding]:
    if values.chart_testing:
        return  # chart-testing values (<chart>/ci/): installed by CI to test the chart, never deployed
    # a chart's values.yaml holds its defaults, which the values a release is deployed with may
    # override (an environment's file, a HelmRelease, --set in CI): one step lower there
    defaults = values.chart_defaults
    for image in values_images(values.root):
        if image.digest or image.tag is None or image.node is None or disabled(values.root, image.node):
            continue  # unset: the chart's default (its appVersion)
        tag = image.tag.strip()
        if not tag or "{{" in tag or "$" in tag or not is_moving_tag(tag):
            continue  # an empty tag falls back to the chart's appVersion (HELM002 judges that)
        ref = parse_image(image.image)
        # the same model as K8S004: the chart renders this into pods Kubernetes pulls by itself
        verdict = moving_tag(ref, values_container_use(values.root, image.node, image.key), pulls_itself=True)
        if verdict is None:
            continue
        severity = verdict.severity
        if defaults and severity > Severity.MEDIUM:
            severity = Severity.MEDIUM
        dotted = values.dotted(image.node, image.key)
        yield CHECK.finding(
            values.pos(image.node, image.key), resource=f"{values.resource}/{values.dotted(image.node)}",
            message=f"{values.origin} sets image {image.image!r} ({dotted}), which {verdict.describe()}"
                    + ("; set as a default, which the values a release is deployed with may override"
                       if defaults else ""),
            evidence=f"{dotted}: {tag}",
            severity=severity,
        )
