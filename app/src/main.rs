//! The `trustmap` binary.

fn main() {
    println!("trustmap");
}
