//! The builtin `IAMPolicyGenerator`: a GKE workload-identity
//! ServiceAccount from a `generators:` config.
//!
//! kustomize writes the object as YAML text with the config's strings
//! pasted in, then parses it; strata does the same, so a value reads back
//! typed exactly as it does there (`name: 123` is a number). The object
//! gets no hash suffix and no behaviour (it is created).

use crate::error::{Error, Result};
use crate::kustomization::decode_plugin_config;
use crate::kustomization::plugins::IamPolicyGeneratorPlugin;
use crate::resource::Resource;
use crate::yaml::{parse_documents, ParseOptions};

/// Generates the ServiceAccount a config describes.
pub fn generate(config: &Resource) -> Result<Vec<Resource>> {
    let args = decode_plugin_config::<IamPolicyGeneratorPlugin>(&config.obj)?.args;
    let (cloud, ks, sa) = (args.cloud, args.kubernetes_service, args.service_account);
    if cloud != "gke" {
        return Err(Error::new(format!(
            "cloud provider {cloud} not supported yet"
        )));
    }
    let mut text = format!(
        "\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    \
         iam.gke.io/gcp-service-account: {}@{}.iam.gserviceaccount.com\n  name: {}\n",
        sa.name, sa.project_id, ks.name
    );
    let namespace = ks.namespace;
    if !namespace.is_empty() {
        text.push_str(&format!("\n  namespace: {namespace}"));
    }
    let docs = parse_documents(text.as_bytes(), &ParseOptions::default())?;
    Ok(docs.into_iter().map(|d| Resource::new(d.value)).collect())
}
